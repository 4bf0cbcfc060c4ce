"""Reliability tests: source faults, crashes, bad input, concurrent use, security."""
