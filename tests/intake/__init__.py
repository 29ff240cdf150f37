"""Tests of `juesuan intake`."""
