"""Unit and property tests of lib, one file per lib module or package."""
