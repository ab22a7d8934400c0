"""Fault injection for tests: code that makes a build stop or fail at a known point, loaded only by the tests
that need it (never part of ``kg``)."""
