"""Rotation: ICAT's yearly co-chairs — history, rules, planner and the 1 January handover."""
