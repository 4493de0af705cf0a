"""The OCR engines behind one interface (gongkai/readers/ocr_engines.py)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from gongkai.readers import ocr_engines


def test_an_unknown_engine_is_refused_with_the_choices():
    with pytest.raises(ocr_engines.EngineMissing, match="rapidocr"):
        ocr_engines.engine("nope")


def _digit_picture(text: str) -> np.ndarray:
    """A line of print drawn with OpenCV's own stroke font (no font files needed)."""
    import cv2

    img = np.full((60, 40 + 30 * len(text)), 255, dtype=np.uint8)
    cv2.putText(img, text, (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return img


@pytest.mark.parametrize("name", ["rapidocr", "tesseract"])
def test_each_engine_reads_lines_of_digits_in_order(name):
    if name == "tesseract" and shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    engine = ocr_engines.engine(name)
    got = engine.read_lines([_digit_picture("4119"), _digit_picture("21"), _digit_picture("7730.28")])
    assert [t for t, _c in got] == ["4119", "21", "7730.28"]
    assert all(0 <= c <= 1 for _t, c in got)
