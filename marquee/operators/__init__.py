"""Operator accounts: login, sessions, API keys, operator admin (issue 18). The rules are SQL's
(sql/functions/03_operators.sql); this package hashes passwords (argon2id) and maps HTTP to those functions."""
