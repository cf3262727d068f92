"""Pose tracks: skeleton definitions, the MediaPipe estimator, smoothing, track files, drawing."""
