"""Observances: yearly days such as the World Day against Trafficking in Persons, their
themes per year and their back-planned campaign steps (DESIGN §4)."""
