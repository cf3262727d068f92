"""motion-transfer: a character image + a motion video -> that character performing the motion.

Python API::

    import motion_transfer as mt
    report = mt.check("character.png", "dance.mp4")            # rules + advice, nothing rendered
    result = mt.transfer("character.png", "dance.mp4", "out.mp4", orientation="video", tier="std")
"""
from .api import check, transfer
from .errors import (ConfigError, DependencyError, EngineError, InputError, MotionTransferError,
                     PreflightError, RemoteError, RigError)
from .finding import Finding
from .preflight import Report
from .request import Request, Result

__version__ = "0.1.0"
__all__ = [
    "check", "transfer", "Request", "Result", "Report", "Finding", "MotionTransferError", "InputError",
    "PreflightError", "ConfigError", "DependencyError", "EngineError", "RigError", "RemoteError", "__version__",
]
