"""Media I/O: probing files for facts, decoding frames, writing MP4s atomically."""
