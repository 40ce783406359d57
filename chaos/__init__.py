"""Scripted fault scenarios with a pass/fail outcome (`make chaos`); tests/reliability runs them small."""
