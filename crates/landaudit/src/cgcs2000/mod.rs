//! CGCS2000 coordinate systems: Gauss-Krüger zones, projection, ellipsoidal area (in progress).
