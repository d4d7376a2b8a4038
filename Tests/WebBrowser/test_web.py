"""Browser tests of the page `retouch serve` serves: a real server on a free loopback port with a
fresh data folder and API key, driven through Debian's headless Chromium with selenium.

Run by scripts/test_web.sh (part of scripts/test.sh). RETOUCH_BIN names the retouch binary.
Screenshots go to test-artifacts/web/.
"""

import base64
import io
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
import unittest
import zipfile
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
BINARY = Path(os.environ.get("RETOUCH_BIN", ROOT / ".build" / "debug" / "retouch"))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
# Debug builds detect and fill slowly on a loaded machine; waits end as soon as the page is ready.
WAIT = 180

server = None


class Server:
    """`retouch serve` on port 0 with its own SQLite file, blob folder and one API key."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="retouch-web-test-")
        database = os.path.join(self.directory, "retouch.sqlite")
        created = subprocess.run([str(BINARY), "keys", "create", "web-test", "--db", database],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
        self.key = re.search(r"rtk_\S+", created.stdout).group(0)
        self.log = open(os.path.join(self.directory, "server.log"), "w")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--port", "0", "--db", database, "--blobs", os.path.join(self.directory, "blobs"),
             "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=ROOT)
        self.url = self._wait_for_listening()

    def _wait_for_listening(self):
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"retouch serve exited with {self.process.returncode}; see {self.log.name}")
            if selector.select(timeout=1):
                line = self.process.stdout.readline()
                match = re.search(r"listening on (http://\S+)", line)
                if match:
                    return match.group(1)
        raise RuntimeError("retouch serve did not report its port within 120 s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        self.process.stdout.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def setUpModule():
    global server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = Server()


def tearDownModule():
    if server:
        server.stop()


SPOT = (200, 90, 230, 120)


def text_image(path, text, size=(480, 320), seed=0, spot=False):
    """A smooth colour photo stand-in with a dark caption (and a dark square at SPOT, an object
    to remove); returns the caption's box."""
    width, height = size
    image = Image.new("RGB", size)
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            pixels[x, y] = (150 + (x * 60) // width + seed * 7, 170 + (y * 50) // height, 200 - (x * 40) // width)
    draw = ImageDraw.Draw(image)
    if spot:
        draw.rectangle((SPOT[0], SPOT[1], SPOT[2] - 1, SPOT[3] - 1), fill=(30, 30, 30))
    box = None
    if text:
        font = ImageFont.truetype(FONT, 38)
        origin = (36, height - 90)
        draw.text(origin, text, font=font, fill=(20, 20, 24))
        box = draw.textbbox(origin, text, font=font)
    image.save(path)
    return box


def make_driver(downloads=None):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,800", "--lang=en-GB"):
        options.add_argument(argument)
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    set_viewport(driver, 1280, 800, mobile=False)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def shot(driver, name):
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def set_viewport(driver, width, height, mobile):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def enter_key(driver, key):
    field = driver.find_element(By.ID, "api-key")
    field.clear()
    field.send_keys(key)
    driver.find_element(By.ID, "key-save").click()


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def wait_for_text(driver, element_id, pattern, timeout=WAIT):
    """Waits until the element's text matches; fails with what the page says instead."""
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(
            lambda d: re.search(pattern, text_of(d, element_id)))
    except Exception:
        raise AssertionError(f"#{element_id} never matched {pattern!r}; status: {text_of(driver, 'status')!r}, "
                             f"error: {text_of(driver, 'error')!r}") from None


PAINTED = """
const canvas = document.getElementById('mask-layer');
const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
const [x0, y0, x1, y1] = arguments[0] || [0, 0, 0, 0];
let total = 0, inside = 0;
for (let i = 3, p = 0; i < data.length; i += 4, p += 1) {
  if (data[i] < 128) continue;
  total += 1;
  const x = p % canvas.width, y = Math.floor(p / canvas.width);
  if (x >= x0 && x < x1 && y >= y0 && y < y1) inside += 1;
}
return [total, inside];
"""

DOWNLOAD_BYTES = """
const done = arguments[arguments.length - 1];
fetch(document.getElementById('download').href).then((r) => r.arrayBuffer()).then((buffer) => {
  let binary = '';
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
  done(btoa(binary));
}).catch((error) => done('error: ' + error));
"""


def load_image(source):
    """The image at a path or in bytes, read fully so no file stays open."""
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
        return image.copy()


def grown(box, margin, size):
    return (max(0, box[0] - margin), max(0, box[1] - margin), min(size[0], box[2] + margin), min(size[1], box[3] + margin))


def mean_difference(a, b, box=None):
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    if box:
        diff = diff.crop(box)
    return sum(ImageStat.Stat(diff).mean) / 3


def mean_difference_outside(a, b, box):
    """Mean absolute difference over the pixels outside `box`."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
    ImageDraw.Draw(diff).rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=0)
    area = diff.width * diff.height - (box[2] - box[0]) * (box[3] - box[1])
    return ImageStat.Stat(diff).sum[0] / area


class EditorTests(unittest.TestCase):
    def setUp(self):
        self.driver = make_driver()
        self.work = tempfile.mkdtemp(prefix="retouch-web-editor-")

    def tearDown(self):
        self.driver.quit()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_detect_then_erase_removes_the_caption(self):
        driver = self.driver
        path = os.path.join(self.work, "caption.png")
        text_box = text_image(path, "SALE -50% TODAY")
        driver.get(server.url + "/")
        self.assertEqual(driver.execute_script("return [innerWidth, innerHeight]"), [1280, 800])
        enter_key(driver, server.key)
        wait_for_text(driver, "key-state", "Key set")
        driver.find_element(By.ID, "file-input").send_keys(path)
        wait_for_text(driver, "image-info", r"480 × 320")
        shot(self.driver, "editor-opened")

        driver.find_element(By.ID, "detect").click()
        wait_for_text(driver, "status", r"Found \d+ text region")
        total, inside = driver.execute_script(PAINTED, list(grown(text_box, 12, (480, 320))))
        shot(self.driver, "editor-detected")
        self.assertGreater(total, 200, "the detected mask is (nearly) empty")
        self.assertGreater(inside / total, 0.9, "most of the detected mask should lie on the caption")

        driver.find_element(By.ID, "erase").click()
        wait_for_text(driver, "status", r"Erase text done")
        shot(self.driver, "editor-erased")
        encoded = driver.execute_async_script(DOWNLOAD_BYTES)
        self.assertFalse(encoded.startswith("error"), encoded)
        result = load_image(base64.b64decode(encoded))
        original = load_image(path)
        self.assertEqual(result.size, original.size)
        caption = grown(text_box, 2, original.size)
        self.assertGreater(mean_difference(original, result, caption), 12,
                           "the pixels under the caption should have changed")
        self.assertLess(mean_difference_outside(original, result, grown(text_box, 14, original.size)), 1.0,
                        "pixels away from the caption should stay as they were")
        self.assertTrue(driver.find_element(By.ID, "compare").is_enabled())
        driver.execute_script("const s = document.getElementById('compare'); s.value = 20;"
                              "s.dispatchEvent(new Event('input'));")
        shot(self.driver, "editor-compare")

    def test_paint_undo_redo_remove_and_upscale(self):
        driver = self.driver
        path = os.path.join(self.work, "plain.png")
        text_image(path, None, spot=True)
        original = load_image(path)
        driver.get(server.url + "/")
        enter_key(driver, server.key)
        driver.find_element(By.ID, "file-input").send_keys(path)
        wait_for_text(driver, "image-info", r"480 × 320")

        size = driver.find_element(By.ID, "brush-size")
        before_size = int(size.get_attribute("value"))
        driver.execute_script("document.getElementById('viewport').focus()")
        ActionChains(driver).send_keys("]").perform()
        self.assertGreater(int(size.get_attribute("value")), before_size, "] should enlarge the brush")
        ActionChains(driver).send_keys("[").perform()

        # A stroke over the dark square, from image pixels to screen pixels.
        left, top, scale = driver.execute_script("const r = document.getElementById('layers').getBoundingClientRect();"
                                                 "return [r.left, r.top, r.width / 480];")
        y = round(top + (SPOT[1] + SPOT[3]) / 2 * scale)
        stroke = ActionBuilder(driver)
        stroke.pointer_action.move_to_location(round(left + (SPOT[0] - 10) * scale), y).pointer_down()
        stroke.pointer_action.move_to_location(round(left + (SPOT[2] + 10) * scale), y).pointer_up()
        stroke.perform()
        painted, on_spot = driver.execute_script(PAINTED, list(SPOT))
        self.assertGreater(painted, 500, "the brush stroke painted nothing")
        self.assertEqual(on_spot, (SPOT[2] - SPOT[0]) * (SPOT[3] - SPOT[1]), "the stroke should cover the square")

        ActionChains(driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
        self.assertEqual(driver.execute_script(PAINTED, None)[0], 0, "Ctrl+Z should undo the stroke")
        ActionChains(driver).key_down(Keys.CONTROL).key_down(Keys.SHIFT).send_keys("z") \
            .key_up(Keys.SHIFT).key_up(Keys.CONTROL).perform()
        self.assertEqual(driver.execute_script(PAINTED, None)[0], painted, "Ctrl+Shift+Z should redo it")
        shot(self.driver, "editor-painted")

        driver.find_element(By.ID, "remove").click()
        wait_for_text(driver, "status", r"Remove done")
        encoded = driver.execute_async_script(DOWNLOAD_BYTES)
        self.assertFalse(encoded.startswith("error"), encoded)
        removed = load_image(base64.b64decode(encoded))
        spot_inside = (SPOT[0] + 3, SPOT[1] + 3, SPOT[2] - 3, SPOT[3] - 3)
        self.assertGreater(ImageStat.Stat(removed.convert("L").crop(spot_inside)).mean[0], 120,
                           "the dark square should be filled from the light background around it")
        self.assertLess(mean_difference(original, removed, (0, 200, 480, 320)), 0.5, "pixels far from the mask changed")
        shot(self.driver, "editor-removed")

        driver.find_element(By.ID, "upscale").click()
        wait_for_text(driver, "status", r"Upscale done")
        wait_for_text(driver, "image-info", r"960 × 640")
        shot(self.driver, "editor-upscaled")
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
        wait_for_text(driver, "image-info", r"480 × 320")

    def test_wrong_key_shows_the_servers_message(self):
        driver = self.driver
        driver.get(server.url + "/")
        enter_key(driver, "rtk_notakey_000000")
        wait_for_text(driver, "error", r"invalid API key")
        path = os.path.join(self.work, "caption.png")
        text_image(path, "WRONG KEY")
        driver.find_element(By.ID, "file-input").send_keys(path)
        wait_for_text(driver, "image-info", r"480 × 320")
        driver.execute_script("document.getElementById('error').textContent = ''")
        driver.find_element(By.ID, "detect").click()
        wait_for_text(driver, "error", r"invalid API key.*Enter a valid API key")
        self.assertEqual(driver.execute_script(PAINTED, None)[0], 0)
        shot(self.driver, "editor-wrong-key")

    def test_phone_width_has_no_horizontal_scroll(self):
        driver = self.driver
        set_viewport(driver, 390, 844, mobile=True)
        for page in ("/", "/batch"):
            driver.get(server.url + page)
            width, scroll = driver.execute_script("return [innerWidth, document.documentElement.scrollWidth]")
            self.assertLessEqual(scroll, width, f"{page} scrolls sideways at phone width")
            shot(self.driver, "phone-" + ("editor" if page == "/" else "batch"))


class BatchTests(unittest.TestCase):
    def setUp(self):
        self.downloads = tempfile.mkdtemp(prefix="retouch-web-downloads-")
        self.driver = make_driver(self.downloads)
        self.work = tempfile.mkdtemp(prefix="retouch-web-batch-")

    def tearDown(self):
        self.driver.quit()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.downloads, ignore_errors=True)

    def test_upload_follow_and_download_a_job(self):
        driver = self.driver
        paths = [os.path.join(self.work, "caption.png"), os.path.join(self.work, "plain.png")]
        text_image(paths[0], "NEW SEASON 2024")
        text_image(paths[1], None, seed=3)
        driver.get(server.url + "/batch")
        enter_key(driver, server.key)
        driver.find_element(By.ID, "batch-files").send_keys("\n".join(paths))
        driver.find_element(By.ID, "batch-submit").click()
        wait_for_text(driver, "job-state", r"^succeeded$")
        rows = driver.find_elements(By.CSS_SELECTOR, "#items tr")
        self.assertEqual(len(rows), 2)
        for row in rows:
            verdict = row.find_element(By.CSS_SELECTOR, ".verdict").text
            self.assertRegex(verdict, r"^(approved|rejected)")
            self.assertRegex(row.find_element(By.CSS_SELECTOR, ".overlay").text, r"^\d\.\d\d$")
        self.assertEqual(rows[0].find_element(By.CSS_SELECTOR, ".route").text, "cleaned")
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(
            "const imgs = [...document.querySelectorAll('#items img')];"
            "return imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0);"))
        self.assertIn("2 of 2 done", text_of(driver, "job-counts"))
        shot(self.driver, "batch-done")

        driver.find_element(By.ID, "job-download").click()
        deadline = time.monotonic() + 60
        archives = []
        while time.monotonic() < deadline and not archives:
            archives = [name for name in os.listdir(self.downloads) if name.endswith(".zip")]
            time.sleep(0.2)
        self.assertEqual(len(archives), 1, f"no ZIP was downloaded: {os.listdir(self.downloads)}")
        with zipfile.ZipFile(os.path.join(self.downloads, archives[0])) as archive:
            self.assertIsNone(archive.testzip())
            names = sorted(archive.namelist())
            self.assertEqual(names, ["caption.png", "plain.png"])
            for name in names:
                self.assertEqual(load_image(archive.read(name)).size, (960, 640))

        # The job is in the list, and picking it from there shows it again.
        driver.get(server.url + "/batch")
        WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#job-list button"))
        driver.find_element(By.CSS_SELECTOR, "#job-list button").click()
        wait_for_text(driver, "job-state", r"^succeeded$")
        shot(self.driver, "batch-picked")


if __name__ == "__main__":
    unittest.main()
