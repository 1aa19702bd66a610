"""Publications: issue briefs, joint statements and other texts, drafted in the six UN
languages, circulated for endorsement or under the silence procedure, and published."""
