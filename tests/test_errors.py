"""The error family keeps its facts as attributes; findings and JSON are built from them, not from the sentence."""
from motion_transfer import errors
from motion_transfer.errors import EngineError, InputError, MotionTransferError
from motion_transfer.preflight import _probe_finding


def test_facts_are_attributes_and_the_sentence_is_built_from_them():
    exc = InputError("the video lasts 1.00 s: at least 3 s.", file="/x/a: b.mp4", measured=1.0, limit=3.0,
                     fix="use a longer clip.", code="video_too_short")
    assert (exc.message, exc.fix, exc.code, exc.measured, exc.limit) == (
        "the video lasts 1.00 s: at least 3 s.", "use a longer clip.", "video_too_short", 1.0, 3.0)
    assert str(exc) == "/x/a: b.mp4: the video lasts 1.00 s: at least 3 s. Fix: use a longer clip."
    assert exc.exit_code == 2 and exc.to_dict()["exit_code"] == 2


def test_a_fix_written_into_the_sentence_becomes_the_attribute():
    exc = EngineError("the job failed. Fix: run it again.")
    assert exc.message == "the job failed." and exc.fix == "run it again."
    assert str(exc) == "the job failed. Fix: run it again."


def test_probe_finding_does_not_parse_the_sentence():
    # a file name holding ": " and " Fix: " used to cut the message at the wrong place
    exc = InputError("cannot be read: the file is empty.", file="/tmp/a: Fix: b.png", fix="save it again.",
                     code="empty")
    f = _probe_finding(exc)
    assert (f.code, f.message, f.fix, f.file) == ("empty", "cannot be read: the file is empty.", "save it again.",
                                                 "/tmp/a: Fix: b.png")


def test_remote_errors_live_in_errors_and_keep_the_service_code():
    for name in ("JobNotFound", "SubmitUncertain", "TaskNotFound", "RateLimited"):
        assert issubclass(getattr(errors, name), MotionTransferError)
    exc = errors.RateLimited("too many requests.", code=1303, http_status=429)
    assert exc.remote_code == 1303 and exc.http_status == 429 and exc.code == "remote"
    assert errors.JobNotFound("no job 3.").exit_code == 2


def test_a_finding_prints_only_the_facts_it_has():
    """A measurement without a limit (a video with no frames) reads "measured: 0", not "limit: None"."""
    from motion_transfer.finding import Finding, format_findings

    text = format_findings([Finding("no_frames", "error", "the video has no frames.", "v.mp4", 0, None, "re-export")])
    assert "measured: 0" in text and "None" not in text
    both = format_findings([Finding("video_bytes", "error", "too large.", "v.mp4", 120, 100, "shrink it")])
    assert "measured: 120   limit: 100" in both
