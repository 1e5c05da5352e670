"""``python -m service.prepare``: build what a start would otherwise build, once.

Today that is the int8 ONNX export of the sentence encoder, kept in the model cache
(``SUMMARIZER_MODEL_CACHE``, default ``<python prefix>/var/summarizer``) under a name
keyed by the model files' digest and the runtime versions. ``make install`` runs it, and
the image build; a server or ``summarize`` that finds the file loads it in well under a
second instead of exporting for several. Running it again when the file is whole does
nothing; a corrupt or stale file is rebuilt.
"""

from __future__ import annotations

import os
import sys
import time

from service.config import Settings, SettingsError, set_library_defaults


def main() -> int:
    set_library_defaults(os.environ)
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"prepare: {exc}", file=sys.stderr)
        return 2
    if settings.encoder_runtime != "onnx":
        print("prepare: the torch runtime keeps nothing on disk")
        return 0
    from service.summarize import EncoderUnavailable, load_encoder

    started = time.perf_counter()
    try:
        encoder = load_encoder(**settings.encoder_options())
    except EncoderUnavailable as exc:
        print(f"prepare: {exc}", file=sys.stderr)
        return 1
    how = "found in the cache" if encoder.from_cache else "exported and kept"
    print(f"prepare: ONNX encoder {how} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
