#!/usr/bin/env python3
"""Reference PSNR and SSIM values for Tests/RetouchCoreTests/MetricsTests.swift.

The test images are integer formulas that the Swift tests recreate exactly; this script
evaluates them with scikit-image once, and the printed numbers are pasted into the tests as
literals. Rerun it after changing a formula (pip install scikit-image numpy).
"""
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

WIDTH, HEIGHT = 64, 48


def pattern(channels):
    """A smooth gradient with a coarse texture: value(x, y, c)."""
    y, x, c = np.meshgrid(np.arange(HEIGHT), np.arange(WIDTH), np.arange(channels), indexing="ij")
    return ((3 * x + 2 * y + 40 * c + (x * y) % 23) % 256).astype(np.uint8)


def noisy(image):
    """The pattern plus a fixed pseudo-noise in [-6, 6], clamped to [0, 255]."""
    h, w, channels = image.shape
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(channels), indexing="ij")
    noise = (x * 7 + y * 13 + c * 5 + (x * y * 3) % 7) % 13 - 6
    return np.clip(image.astype(np.int64) + noise, 0, 255).astype(np.uint8)


def luma(image):
    rgb = image.astype(np.float64)
    return 16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255


def cropped(image, crop):
    return image[crop:image.shape[0] - crop, crop:image.shape[1] - crop] if crop else image


def ssim(a, b, multichannel):
    return structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                 data_range=255, channel_axis=-1 if multichannel else None)


def main():
    rgb = pattern(3)
    rgb_noisy = noisy(rgb)
    gray = pattern(1)
    gray_noisy = noisy(gray)
    for crop in (0, 4):
        a, b = cropped(rgb, crop), cropped(rgb_noisy, crop)
        ya, yb = luma(a), luma(b)
        ga, gb = cropped(gray, crop)[..., 0], cropped(gray_noisy, crop)[..., 0]
        print(f"crop {crop}:")
        print(f"  psnr rgb  {peak_signal_noise_ratio(a, b, data_range=255):.12f}")
        print(f"  psnr y    {peak_signal_noise_ratio(ya, yb, data_range=255):.12f}")
        print(f"  psnr gray {peak_signal_noise_ratio(ga, gb, data_range=255):.12f}")
        print(f"  ssim rgb  {ssim(a, b, True):.12f}")
        print(f"  ssim y    {ssim(ya, yb, False):.12f}")
        print(f"  ssim gray {ssim(ga, gb, False):.12f}")


if __name__ == "__main__":
    main()
