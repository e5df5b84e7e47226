"""Pure computation for Gaoxin: numpy/scipy/shapely/pyproj only, never Django or another gaoxin package.

An import-linter contract in the test run enforces that this package stays pure."""
