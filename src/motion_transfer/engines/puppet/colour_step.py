"""How sharply an image's colour changes at each pixel: where one material meets another (a sleeve's outline
against the shirt, a hem, a neckline's skin against the top)."""
from __future__ import annotations

import cv2
import numpy as np

ALIKE_DELTA_E = 18.0  # colour distance (CIE Lab, OpenCV's 8-bit scale) under which two colours look alike


def colour_step(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """HxW float32: the magnitude of the colour's gradient (OpenCV's 8-bit CIE Lab, per pixel) of ``rgb`` (HxWx3
    uint8) blurred by a Gaussian of ``sigma`` pixels first, so the image's grain is no edge."""
    lab = cv2.GaussianBlur(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), sigma)
    gx, gy = cv2.Sobel(lab, cv2.CV_32F, 1, 0) / 8, cv2.Sobel(lab, cv2.CV_32F, 0, 1) / 8
    return np.sqrt((gx ** 2 + gy ** 2).sum(axis=2))
