"""The bytes of an Arrow text column, read in place: for tests that look at a whole column's
bytes at once (the CSV writer and reader, the workbook's cells) instead of one value at a time.

Examples
--------
>>> import pyarrow as pa
>>> bytes(text_bytes(pa.array(["a,b", None, "c"]))), holds(pa.array(["a,b"]), b'"\\n')
(b'a,bc', False)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["holds", "text_bytes"]


def text_bytes(values: pa.Array) -> memoryview:
    """The concatenated bytes of a string array, as its data buffer holds them."""
    if len(values) == 0 or values.buffers()[2] is None:
        return memoryview(b"")
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int64 if pa.types.is_large_string(values.type) else np.int32)
    first, last = offsets[values.offset], offsets[values.offset + len(values)]
    return memoryview(values.buffers()[2])[first:last]


def holds(values: pa.Array | pa.ChunkedArray, characters: bytes) -> bool:
    """Whether a text column holds one of the (ASCII) characters, its bytes searched at once."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        data = bytes(text_bytes(chunk))
        if any(data.find(c) >= 0 for c in characters):
            return True
    return False
