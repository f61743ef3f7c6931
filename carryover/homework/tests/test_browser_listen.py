"""Read-aloud in a real browser: the Listen button hands the browser's speech synthesis the words on screen, in the
page's language, sentence by sentence, with pause, resume and a speed remembered on the device. The speech API is
replaced by a recorder before the page loads (no voice in a headless browser), so what would be said is checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from carryover.devtools.tests.browser import demo_client_on_phone

pytestmark = pytest.mark.browser

# A stand-in for window.speechSynthesis that records each utterance and ends it at once (or, with `hold`, when
# the test says), with two voices to choose from.
SPEECH_STUB = """
(() => {
  const said = window.__said = [];
  const calls = window.__calls = [];
  window.__hold = false;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const synth = {
    getVoices: () => [{lang: 'es-MX', name: 'Paulina'}, {lang: 'en-US', name: 'Samantha'}],
    speak(u) {
      said.push({text: u.text, lang: u.lang, rate: u.rate, voice: u.voice && u.voice.name});
      window.__current = u;
      if (!window.__hold) setTimeout(() => u.onend && u.onend(), 0);
    },
    pause() { calls.push('pause'); }, resume() { calls.push('resume'); }, cancel() { calls.push('cancel'); },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
})();
"""


def said(page) -> list[dict]:
    return page.evaluate("window.__said")


def test_listen_reads_the_instructions_and_the_crisis_lines_aloud(live_server, new_page, axe_check):
    phone = demo_client_on_phone(new_page)
    phone.add_init_script(SPEECH_STUB)
    phone.locator(".task h3 a").first.click()
    expect(phone.get_by_role("heading", name="What to do")).to_be_visible()
    instructions = phone.locator("#what-to-do").inner_text()

    listen = phone.get_by_role("button", name="Listen to the instructions")
    listen.click()
    # A function, not a bare expression: Playwright evaluates a bare expression string with eval, which the CSP refuses.
    finished = "() => window.__said.length > 0 && document.querySelector('[data-listen-status]').textContent === ''"
    phone.wait_for_function(finished)
    spoken = said(phone)
    assert " ".join(u["text"] for u in spoken) == " ".join(instructions.split())
    assert {(u["lang"], u["voice"], u["rate"]) for u in spoken} == {("en-us", "Samantha", 1)}
    assert len(spoken) > 1  # sentence by sentence

    # Pause and resume, at a slower speed chosen once and kept on this device.
    phone.evaluate("window.__hold = true; window.__said.length = 0")
    listen.click()
    expect(phone.get_by_role("status").filter(has_text="Reading…")).to_be_visible()
    phone.get_by_label("Speed").first.select_option("0.75")
    phone.get_by_role("button", name="Pause reading").click()
    expect(phone.get_by_role("status").filter(has_text="Paused")).to_be_visible()
    phone.get_by_role("button", name="Resume reading").click()
    phone.evaluate("window.__current.onend()")
    assert said(phone)[-1]["rate"] == 0.75
    assert phone.evaluate("window.__calls.filter(c => c !== 'cancel')") == ["pause", "resume"]
    phone.get_by_role("button", name="Stop").click()
    expect(phone.get_by_role("button", name="Listen to the instructions")).to_be_focused()
    axe_check(phone, "listen-assignment")

    phone.goto("/support/")
    phone.evaluate("window.__hold = false")
    phone.get_by_role("button", name="Listen to these lines").click()
    phone.wait_for_function("() => window.__said.length > 1")
    phone.wait_for_timeout(50)
    text = " ".join(u["text"] for u in said(phone))
    assert "988" in text and "please call or text now" in text
    assert phone.locator("[data-listen-rate]").first.input_value() == "0.75"
    axe_check(phone, "listen-crisis")
