"""HTML replays (marl eval --record) open in a real headless browser (Debian's
chromium): the page's script runs without errors and draws a frame that is
not blank (checked on a screenshot). Skipped, saying why, where no browser is
installed."""
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import pytest

MARL = os.environ.get("MARL_CLI", "build/bin/marl")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--allow-file-access-from-files"]

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium installed (apt-get install chromium): "
                                                        "the replay is not opened in a browser")


def record(tmp, experiment, episodes):
    run = os.path.join(tmp, "run")
    subprocess.run([MARL, "run", "--no-progress", experiment, "--set", "run.env_steps=160", "--set", "run.num_envs=2",
                    "--out", run], check=True, capture_output=True)
    page = os.path.join(tmp, "replay.html")
    subprocess.run([MARL, "eval", run, "--episodes", str(episodes), "--record", page], check=True, capture_output=True)
    return page


def browser(tmp, *args):
    profile = tempfile.mkdtemp(dir=tmp)
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


def read_png(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                cur[i] = (cur[i] + a) & 255
            elif kind == 2:
                cur[i] = (cur[i] + b) & 255
            elif kind == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(cur[x * channels:x * channels + 3]) for x in range(width)])
        prev = cur
    return width, height, rows


@pytest.mark.parametrize("experiment,episodes", [("experiments/hide_and_seek/quadrant_random.toml", 2),
                                                 ("experiments/mpe/spread_random.toml", 1)])
def test_replay_runs_and_draws(tmp_path, experiment, episodes):
    tmp = str(tmp_path)
    page = record(tmp, experiment, episodes)
    url = "file://" + page

    dom = browser(tmp, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-status="ok"' in dom.stdout, ("the page's script did not finish: " +
                                               dom.stdout[dom.stdout.find("<body"):][:300] + dom.stderr[-1500:])
    assert '<div id="error"></div>' in dom.stdout, "the page reported a script error"


    shot = os.path.join(tmp, "shot.png")
    result = browser(tmp, f"--screenshot={shot}", "--window-size=1100,800", url)
    assert result.returncode == 0 and os.path.exists(shot), result.stderr[-2000:]
    width, height, rows = read_png(shot)
    # The canvas: 640x640 at (13, ~60) after the title lines; look inside it.
    colours = {}
    for y in range(80, min(height, 680)):
        for x in range(20, min(width, 640)):
            colours[rows[y][x]] = colours.get(rows[y][x], 0) + 1
    background, count = max(colours.items(), key=lambda kv: kv[1])
    drawn = sum(c for colour, c in colours.items() if colour != background)
    assert len(colours) >= 8, f"only {len(colours)} colours in the canvas: a blank frame"
    assert drawn > 2000, f"only {drawn} pixels differ from the background {background}"
