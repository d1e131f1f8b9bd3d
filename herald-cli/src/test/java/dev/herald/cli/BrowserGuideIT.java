package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.HubPublisher;
import dev.herald.client.HubTokens;
import dev.herald.client.Publication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/browser.md cannot rot: its pages are taken from the guide as they are (the fenced block after
 * each {@code <!-- BrowserGuideIT: ... -->} marker, with only the hub URL and the pasted token
 * replaced), served by a {@link GuideApplication} that sets the cookie with the guide's Java code,
 * and run in headless Chromium against {@code herald serve} from the built jar on another port of
 * {@code localhost}: another origin of the same site, as app.example.com and hub.example.com are.
 * ({@link BrowserGuideTest} checks that the guide shows that Java code as it is.)
 */
class BrowserGuideIT {
  private static final Path GUIDE = Path.of("..", "docs", "browser.md");
  private static final String SECRET = "browser-guide-secret-long-enough-for-hs256";
  private static final String BOOK = "https://example.com/books/1";
  private static final String INBOX_42 = "https://example.com/users/42/inbox";
  private static final String INBOX_43 = "https://example.com/users/43/inbox";
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The page's list of updates, in JavaScript; {@link #SHOWN} as JSON text. */
  private static final String LIST = "[...document.querySelectorAll('#updates li')].map(li => li.textContent)";
  private static final String SHOWN = "JSON.stringify(" + LIST + ")";

  private GuideApplication application;
  private HubProcess hub;
  private HubPublisher publisher;

  @BeforeEach
  void start() throws Exception {
    application = GuideApplication.start(SECRET);
    // No --anonymous: a stream opens only with a token, from the cookie or the URL.
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--cors-origin", application.origin());
    publisher = HubPublisher.builder(URI.create(hub.endpoint)).jwtSecret(SECRET).build();
    String hubUrl = replaceOnce(hub.endpoint, "://127.0.0.1:", "://localhost:"); // the host the cookie is for
    application.page("/", replaceOnce(block("page"), "https://hub.example.com/.well-known/mercure", hubUrl), true);
    String token = HubTokens.subscriber(SECRET, List.of(INBOX_42), Duration.ofHours(1));
    application.page("/development", replaceOnce(replaceOnce(block("development page"),
        "http://localhost:8080/.well-known/mercure", hubUrl), "PASTE-THE-TOKEN-HERE", token), false);
  }

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (hub != null) {
      hub.close();
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void thePageReceivesPublicUpdatesAndItsUsersPrivateOnesThroughTheCookie() throws Exception {
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(application.origin() + "/");
      page.waitFor("updates.readyState === EventSource.OPEN", WAIT);

      publisher.publish(BOOK, "book 1: 12.50 EUR");
      publisher.publish(Publication.builder(INBOX_43).data("for user 43").privateUpdate(true).build());
      publisher.publish(Publication.builder(INBOX_42).data("for user 42").privateUpdate(true).build());

      // Updates arrive in publish order: user 43's would be between the two.
      page.waitFor(LIST + ".includes('for user 42')", WAIT);
      assertThat(page.evaluate(SHOWN)).isEqualTo("[\"book 1: 12.50 EUR\",\"for user 42\"]");
      assertThat(page.evaluate("document.getElementById('status').textContent")).isEqualTo("live");
      assertThat(page.console().exceptions()).isEmpty();
    }
  }

  @Test
  void afterAReloadThePageResumesFromTheLastUpdateItSawWithNothingMissingAndNothingTwice() throws Exception {
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(application.origin() + "/");
      page.waitFor("updates.readyState === EventSource.OPEN", WAIT);
      String seen = publisher.publish(BOOK, "before the reload");
      page.waitFor(LIST + ".includes('before the reload')", WAIT);
      assertThat(page.evaluate("sessionStorage.getItem('lastEventID')")).isEqualTo(seen);

      // The updates a reload would race with, published while the page holds no stream for sure.
      page.evaluate("updates.close()");
      publisher.publish(BOOK, "during the reload");
      publisher.publish(Publication.builder(INBOX_42).data("private, during the reload").privateUpdate(true).build());
      page.reload();
      page.waitFor(LIST + ".length >= 2", WAIT);
      String last = publisher.publish(BOOK, "after the reload");
      page.waitFor(LIST + ".includes('after the reload')", WAIT);

      assertThat(page.evaluate(SHOWN))
          .isEqualTo("[\"during the reload\",\"private, during the reload\",\"after the reload\"]");
      assertThat(page.evaluate("sessionStorage.getItem('lastEventID')")).isEqualTo(last);
      assertThat(page.console().exceptions()).isEmpty();
    }
  }

  @Test
  void theDevelopmentPageReceivesPrivateUpdatesWithTheTokenInTheUrlAndNoCookie() throws Exception {
    try (BrowserPage page = BrowserPage.open()) {
      page.navigate(application.origin() + "/development");
      page.waitFor("updates.readyState === EventSource.OPEN", WAIT);

      publisher.publish(BOOK, "book 1: 12.50 EUR");
      publisher.publish(Publication.builder(INBOX_43).data("for user 43").privateUpdate(true).build());
      publisher.publish(Publication.builder(INBOX_42).data("for user 42").privateUpdate(true).build());

      page.waitFor(LIST + ".includes('for user 42')", WAIT);
      assertThat(page.evaluate(SHOWN)).isEqualTo("[\"book 1: 12.50 EUR\",\"for user 42\"]");
      assertThat(page.console().exceptions()).isEmpty();
    }
  }

  /** The fenced block that follows {@code <!-- BrowserGuideIT: name -->} in the guide. */
  private static String block(String name) throws Exception {
    String guide = Files.readString(GUIDE);
    String marker = "<!-- BrowserGuideIT: " + name + " -->\n";
    int at = guide.indexOf(marker);
    assertThat(at).as("docs/browser.md has the marker %s", marker.strip()).isNotNegative();
    int fence = at + marker.length();
    assertThat(guide.startsWith("```html\n", fence)).as("an html block follows %s", marker.strip()).isTrue();
    int body = fence + "```html\n".length();
    return guide.substring(body, guide.indexOf("\n```\n", body) + 1);
  }

  /** {@code text} with its one {@code target} replaced: a guide that changed the URL fails here, loudly. */
  private static String replaceOnce(String text, String target, String replacement) {
    int at = text.indexOf(target);
    assertThat(at).as("the page holds %s", target).isNotNegative();
    assertThat(text.indexOf(target, at + 1)).as("the page holds %s once", target).isNegative();
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }
}
