#!/usr/bin/python3
# Drives scsaned's web page in Debian's headless Chromium, as a user would:
# list, choose, preview, drag a crop, scan, watch the progress, download.
# Prints PASS:/FAIL: lines for t_web_chromium.sh and writes what the shell
# needs to check the image (the crop in mm, the downloaded file's path)
# as KEY=VALUE lines into OUT/result.env.  Screenshots go to OUT.
#   web_chromium.py URL SCANNER OUT RESOLUTION
# Every wait is bounded: WebDriverWait raises after its timeout.
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException,
                                        TimeoutException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

url, scanner, out, resolution = sys.argv[1:5]
failed = False
result = {}


def check(what, ok):
    global failed
    print(("PASS: " if ok else "FAIL: ") + "t_web_chromium: " + what, flush=True)
    failed = failed or not ok
    return ok


def shot(drv, name):
    drv.save_screenshot(os.path.join(out, name + ".png"))


def wait(drv, what, cond, seconds=30):
    try:
        # The page redraws its options after each change: an element read
        # mid-redraw is asked again on the next poll.
        return WebDriverWait(drv, seconds, poll_frequency=0.05, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException)).until(cond)
    except TimeoutException:
        check(what + " (timed out after %d s)" % seconds, False)
        shot(drv, "timeout")
        raise SystemExit(1)


def status(drv):
    return drv.find_element(By.ID, "status").text


def browser():
    downloads = os.path.join(out, "downloads")
    os.makedirs(downloads, exist_ok=True)
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1200,1000",
              "--no-first-run", "--disable-extensions",
              "--user-data-dir=" + os.path.join(out, "profile")):
        o.add_argument(a)
    o.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False,
    })
    svc = Service(executable_path="/usr/bin/chromedriver",
                  log_path=os.path.join(out, "chromedriver.log"))
    return webdriver.Chrome(service=svc, options=o), downloads


def keyboard_opens(drv):
    """Tab to the scanner's button and press Enter: no mouse needed."""
    body = drv.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(20):
        ActionChains(drv).send_keys(Keys.TAB).perform()
        el = drv.switch_to.active_element
        if el.get_attribute("data-name") == scanner:
            el.send_keys(Keys.ENTER)
            return True
    return False


def set_option(drv, name, value):
    el = drv.find_element(By.ID, "opt-" + name)
    if el.tag_name == "select":
        Select(el).select_by_value(value)
    else:
        # Typed over the old value; the change fires when Tab leaves the
        # field, as for a user (clear() would fire it early, and redraw).
        ActionChains(drv).click(el).key_down(Keys.CONTROL).send_keys("a") \
            .key_up(Keys.CONTROL).send_keys(value).send_keys(Keys.TAB).perform()
    # Changing an option reloads the list; wait until it shows the value.
    wait(drv, "option %s becomes %s" % (name, value),
         lambda d: d.find_element(By.ID, "opt-" + name).get_attribute("value") == value)


def main():
    drv, downloads = browser()
    try:
        run(drv, downloads)
    finally:
        drv.quit()


def run(drv, downloads):
    drv.get(url + "/")
    wait(drv, "the list shows the scanner",
         lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-name='%s']" % scanner))
    shot(drv, "01-list")
    li = drv.find_element(By.CSS_SELECTOR, "button[data-name='%s']" % scanner).text
    check("the list shows %s as idle" % scanner, "idle" in li)

    check("the keyboard alone opens the scanner (Tab, Enter)", keyboard_opens(drv))
    wait(drv, "its options are rendered",
         lambda d: d.find_elements(By.ID, "opt-mode"))
    check("the page gives the scanner's eSCL address",
          "/eSCL" in drv.find_element(By.ID, "escl").text)
    check("the options are grouped as the descriptors say",
          len(drv.find_elements(By.CSS_SELECTOR, "#options fieldset legend")) > 0)
    set_option(drv, "mode", "Color")
    shot(drv, "02-options")

    drv.find_element(By.ID, "preview").click()
    wait(drv, "the preview completes", lambda d: status(d) == "preview done", 60)
    img = drv.find_element(By.ID, "previewimg")
    natural = drv.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    check("the preview is drawn (%dx%d)" % tuple(natural), natural[0] > 50 and natural[1] > 50)
    shot(drv, "03-preview")

    # Drag from a fifth of the way in to three fifths, with the mouse.
    w, h = img.size["width"], img.size["height"]
    ActionChains(drv).move_to_element_with_offset(img, int(-w * 0.3), int(-h * 0.2)) \
        .click_and_hold().move_by_offset(int(w * 0.35), int(h * 0.3)) \
        .move_by_offset(int(w * 0.05), int(h * 0.1)).release().perform()
    box = drv.find_element(By.ID, "crop")
    check("dragging draws the crop box", box.is_displayed() and box.size["width"] > 20)
    shot(drv, "04-crop")
    # The crop lands in the geometry fields, in the scanner's millimetres.
    full = float(wait(drv, "the crop fills the geometry fields", lambda d: d.find_element(
        By.ID, "opt-br-x").get_attribute("value") if float(d.find_element(
            By.ID, "opt-br-x").get_attribute("value")) < 200 else None))
    for k in ("tl-x", "tl-y", "br-x", "br-y"):
        result[k.replace("-", "_")] = drv.find_element(By.ID, "opt-" + k).get_attribute("value")
    check("the crop is in the geometry fields (%s)" % result,
          0 < float(result["tl_x"]) < float(result["br_x"]) == full)

    set_option(drv, "resolution", resolution)
    Select(drv.find_element(By.ID, "format")).select_by_value("png")
    drv.find_element(By.ID, "scan").click()
    # Watch the bar while the scanner works: a value strictly between
    # nothing and all says the page shows the device's progress.
    seen = set()
    deadline = time.monotonic() + 60
    midshot = False
    while status(drv) == "scanning" and time.monotonic() < deadline:
        p = drv.execute_script("const p = document.getElementById('progress'); return [p.value, p.max]")
        seen.add((p[0], p[1]))
        if not midshot and 0 < p[0] < p[1]:
            shot(drv, "05-scanning")
            midshot = True
        time.sleep(0.05)
    moving = sorted(v for v, m in seen if 0 < v < m)
    check("the progress bar moves during the scan (%d values between 0 and all)" % len(moving),
          len(moving) >= 2)
    check("the eta line counts lines", "lines" in drv.find_element(By.ID, "eta").text)
    wait(drv, "the scan completes", lambda d: status(d) == "scan done", 60)
    link = wait(drv, "a download link appears",
                lambda d: d.find_elements(By.CSS_SELECTOR, "#downloads a"))[0]
    name = link.get_attribute("download")
    link.click()
    path = os.path.join(downloads, name)
    wait(drv, "the browser saves %s" % name,
         lambda d: os.path.exists(path) and not os.path.exists(path + ".crdownload")
         and os.path.getsize(path) > 0, 30)
    check("the download is a PNG", open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n")
    result["png"] = path
    shot(drv, "06-done")

    # A phone's screen: nothing wider than the viewport.
    drv.set_window_size(390, 844)
    wide = drv.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check("on a phone's width the page needs no sideways scrolling (%d px over)" % wide, wide <= 0)
    shot(drv, "07-phone")


try:
    main()
except WebDriverException as e:
    check("the browser session: %s" % e.msg, False)
with open(os.path.join(out, "result.env"), "w") as f:
    for k, v in result.items():
        f.write("%s=%s\n" % (k, v))
sys.exit(1 if failed else 0)
