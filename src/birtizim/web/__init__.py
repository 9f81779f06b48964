"""The Django web platform: one list, its numbers and the district work lists, behind roles and scopes."""
