"""Registry: ICAT's member and partner entities, the working group and the coordinator."""
