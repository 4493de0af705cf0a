"""The two offline OCR engines behind one small interface.

- `rapidocr` (PyPI): PP-OCR detection and recognition models shipped inside the wheel, run by
  onnxruntime.  The default: measured the more accurate on our scans (BENCHMARKS.md, scripts/bench_ocr.py).
- `tesseract` (Debian `tesseract-ocr` + `tesseract-ocr-chi-sim`), run as a program: kept for the
  comparison and as a fallback where the wheel cannot be installed.

Neither downloads anything: rapidocr finds its default models in the package (their hashes match its
own list, so it never fetches them), and tesseract reads Debian's traineddata.  GONGKAI_OCR_ENGINE
picks one.

Both answer two questions:
- `read_lines(images)`: the text of each picture of one line of print (a cell's line), with a
  confidence in [0, 1];
- `read_page(image)`: the lines of print on a picture of running text, each with its box.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np

DEFAULT_ENGINE = "rapidocr"


@dataclass(frozen=True)
class TextLine:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float


class EngineMissing(RuntimeError):
    """The chosen engine is not installed; the message says what to install."""


class RapidOCREngine:
    name = "rapidocr"

    def __init__(self) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - a project dependency
            raise EngineMissing("rapidocr is not installed (pip install -r requirements.txt)") from exc
        import logging

        threads = int(os.environ.get("GONGKAI_OCR_THREADS", "1"))
        self._ocr = RapidOCR(params={
            "Global.log_level": "error",
            # One thread per file: the build already runs one file per core.
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Global.use_cls": False,  # report pages are upright; the angle classifier costs time
            # The recogniser pads every picture to at least this width; its default (320) makes a cell's
            # "0" cost as much as a line of prose.  Same readings on our scans, about 3x less work.
            "Rec.rec_img_shape": [3, 48, 64],
            "Rec.rec_batch_num": 16,
        })
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return f"rapidocr {version('rapidocr')}"

    def read_lines(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        out = self._ocr.recognize_txt([_bgr(im) for im in images])
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores)]

    def read_page(self, image: np.ndarray) -> list[TextLine]:
        res = self._ocr(_bgr(image), use_cls=False)
        if res.boxes is None or res.txts is None:
            return []
        lines = []
        for box, text, score in zip(res.boxes, res.txts, res.scores):
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            lines.append(TextLine(min(xs), min(ys), max(xs), max(ys), str(text), float(score)))
        return lines


class TesseractEngine:
    """Debian's tesseract with the simplified-Chinese model, one process per call.

    Line pictures are stacked into one tall picture (white between them) so that a page's cells cost
    one process, not hundreds; each word is mapped back to its line by its height on the stack.
    """

    name = "tesseract"
    GAP = 24

    def __init__(self) -> None:
        self._exe = shutil.which("tesseract")
        if self._exe is None:
            raise EngineMissing("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")

    @property
    def version(self) -> str:
        out = subprocess.run([self._exe, "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).splitlines()[0].strip()

    def _tsv(self, image: np.ndarray, psm: int) -> list[dict]:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(_gray(image)).save(buf, "PNG")
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        proc = subprocess.run([self._exe, "stdin", "stdout", "-l", "chi_sim", "--psm", str(psm), "tsv"],
                              input=buf.getvalue(), capture_output=True, timeout=300, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed: {proc.stderr.decode('utf-8', 'replace')[-300:]}")
        rows = proc.stdout.decode("utf-8", "replace").splitlines()
        head = rows[0].split("\t") if rows else []
        words = []
        for line in rows[1:]:
            parts = line.split("\t")
            if len(parts) != len(head):
                continue
            rec = dict(zip(head, parts))
            if rec.get("level") == "5" and rec.get("text", "").strip():
                words.append(rec)
        return words

    def read_lines(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        height = max(im.shape[0] for im in images)
        width = max(im.shape[1] for im in images) + 2 * self.GAP
        stack = np.full((len(images) * (height + self.GAP) + self.GAP, width), 255, dtype=np.uint8)
        for i, im in enumerate(images):
            y = self.GAP + i * (height + self.GAP)
            stack[y:y + im.shape[0], self.GAP:self.GAP + im.shape[1]] = _gray(im)
        found: list[list[tuple[int, str, float]]] = [[] for _ in images]
        for w in self._tsv(stack, psm=6):
            mid = int(w["top"]) + int(w["height"]) / 2
            i = int((mid - self.GAP / 2) // (height + self.GAP))
            if 0 <= i < len(images):
                found[i].append((int(w["left"]), w["text"].strip(), max(0.0, float(w["conf"])) / 100))
        out = []
        for words in found:
            words.sort()
            out.append(("".join(t for _x, t, _c in words), min((c for _x, _t, c in words), default=0.0)))
        return out

    def read_page(self, image: np.ndarray) -> list[TextLine]:
        lines: dict[tuple, list[dict]] = {}
        for w in self._tsv(image, psm=3):
            lines.setdefault((w["block_num"], w["par_num"], w["line_num"]), []).append(w)
        out = []
        for words in lines.values():
            words.sort(key=lambda w: int(w["left"]))
            x0 = min(int(w["left"]) for w in words)
            y0 = min(int(w["top"]) for w in words)
            x1 = max(int(w["left"]) + int(w["width"]) for w in words)
            y1 = max(int(w["top"]) + int(w["height"]) for w in words)
            conf = min(max(0.0, float(w["conf"])) for w in words) / 100
            out.append(TextLine(x0, y0, x1, y1, "".join(w["text"].strip() for w in words), conf))
        return out


ENGINES = {"rapidocr": RapidOCREngine, "tesseract": TesseractEngine}
_CACHE: dict[str, object] = {}


def engine(name: str | None = None):
    """The engine named (or GONGKAI_OCR_ENGINE, or the default), loaded once per process."""
    name = name or os.environ.get("GONGKAI_OCR_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise EngineMissing(f"unknown OCR engine '{name}'; choose one of {', '.join(ENGINES)}")
    if name not in _CACHE:
        _CACHE[name] = ENGINES[name]()
    return _CACHE[name]


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else image[..., :3].mean(axis=2).astype(np.uint8)


def _bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[..., None], 3, axis=2))
    return np.ascontiguousarray(image[..., 2::-1])
