"""Tests of reviewing the week together."""
