package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.HubTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/llm-streaming.md cannot rot: a {@link FakeLlm} streams an answer token by token, the guide's
 * backend code ({@link AnswerRelay}, which {@link LlmStreamingGuideTest} finds in the guide as it is)
 * relays it into {@code herald serve} from the built jar with one streaming publish, and the guide's
 * viewer page (taken from the guide, only the hub URL replaced) shows it in headless Chromium,
 * through a reload in the middle of the answer.
 */
class LlmStreamingGuideIT {
  private static final Path GUIDE = GuideBlocks.guide("llm-streaming.md");
  private static final String SECRET = "llm-guide-secret-long-enough-for-hs256";
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Where the answer stops until the test lets it go on: well before its end. */
  private static final int HALF_WAY = 15;
  /** What the viewer shows, and whether it saw the answer end, in JavaScript. */
  private static final String SHOWN = "document.getElementById('answer').textContent";
  private static final String DONE = "document.getElementById('status').textContent === 'done'";

  private final ExecutorService backend = Executors.newSingleThreadExecutor();
  private GuideApplication application;
  private HubProcess hub;
  private FakeLlm llm;

  @BeforeEach
  void start() throws Exception {
    application = GuideApplication.start(SECRET);
    hub = HubProcess.serve("--listen", "127.0.0.1:0", "--store", "memory", "--jwt-secret", SECRET,
        "--anonymous", "true", "--cors-origin", application.origin());
    String page = GuideBlocks.block(GUIDE, "LlmStreamingGuideIT: viewer", "html");
    application.page("/", GuideBlocks.replaceOnce(page, "https://hub.example.com/.well-known/mercure",
        hub.endpoint), false);
  }

  @AfterEach
  void stop() throws Exception {
    backend.shutdownNow();
    backend.awaitTermination(20, TimeUnit.SECONDS);
    if (llm != null) {
      llm.close();
    }
    if (hub != null) {
      hub.close();
    }
    if (application != null) {
      application.close();
    }
  }

  @Test
  void aViewerReloadedMidAnswerShowsEveryTokenOnceInOrder() throws Exception {
    llm = FakeLlm.start(HALF_WAY);
    try (BrowserPage viewer = BrowserPage.open()) {
      viewer.navigate(application.origin() + "/");
      viewer.waitFor("tokens.readyState === EventSource.OPEN", WAIT);
      Future<List<String>> relayed = backend.submit(this::relayTheAnswer);

      // The LLM stopped half-way: the page shows what it wrote so far, as it came, and no more.
      viewer.waitFor(SHOWN + " === " + BrowserPage.quote(firstTokens(HALF_WAY)), WAIT);
      assertThat(relayed).as("the answer is still being written").isNotDone();
      assertThat(viewer.evaluate(DONE)).isEqualTo("false");

      // Tokens published while the page holds no stream for sure, then the reload: the page
      // must take them from the hub's log, after the last one it showed.
      viewer.evaluate("tokens.close()");
      llm.goOn();
      waitUntil(() -> llm.sent() >= HALF_WAY + 5, "the LLM wrote 5 more tokens");
      viewer.reload();

      List<String> ids = relayed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      viewer.waitFor(DONE, WAIT);
      assertThat(viewer.evaluate(SHOWN)).isEqualTo(FakeLlm.answerText());
      assertThat(ids).as("one update per token, and the end").hasSize(FakeLlm.ANSWER.size() + 1);
      assertThat(viewer.evaluate("JSON.parse(sessionStorage.getItem('https://example.com/answers/42')).lastEventID"))
          .isEqualTo(ids.get(ids.size() - 1));
      assertThat(viewer.console().exceptions()).isEmpty();
    }
  }

  @Test
  void aViewerOpenedAfterTheAnswerEndedShowsTheWholeAnswer() throws Exception {
    llm = FakeLlm.start();
    List<String> ids = relayTheAnswer();
    assertThat(new HashSet<>(ids)).as("every update has an id of its own").hasSize(FakeLlm.ANSWER.size() + 1);

    try (BrowserPage viewer = BrowserPage.open()) {
      viewer.navigate(application.origin() + "/");
      viewer.waitFor(DONE, WAIT);
      assertThat(viewer.evaluate(SHOWN)).isEqualTo(FakeLlm.answerText());
      assertThat(viewer.evaluate("tokens.readyState === EventSource.CLOSED")).isEqualTo("true");
      assertThat(viewer.console().exceptions()).isEmpty();
    }
  }

  @Test
  void theGuidesRelayCommandReplacesTheBackend(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    llm = FakeLlm.start();
    Path request = java.nio.file.Files.writeString(dir.resolve("request.json"),
        "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"What is SSE?\"}]}");
    String command = GuideBlocks.block(GUIDE, "LlmStreamingGuideIT: relay", "sh").replace("\\\n", " ")
        .replace("https://llm.example.com/v1/chat", llm.url().toString())
        .replace("$KEY", FakeLlm.KEY).replace("@request.json", "@" + request)
        .replace("http://localhost:8080/.well-known/mercure", hub.endpoint).replace("\"$SECRET\"", SECRET);
    List<String> words = words(command.strip());
    assertThat(words.get(0)).isEqualTo("herald");
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();

    int code = Herald.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), java.util.Map.of(),
        words.subList(1, words.size()).toArray(String[]::new));

    assertThat(code).as(err.toString()).isZero();
    assertThat(llm.refused()).isNull();
    assertThat(out.toString().lines()).hasSize(FakeLlm.ANSWER.size() + 1);
    try (BrowserPage viewer = BrowserPage.open()) {
      viewer.navigate(application.origin() + "/");
      viewer.waitFor(DONE, WAIT);
      assertThat(viewer.evaluate(SHOWN)).isEqualTo(FakeLlm.answerText());
    }
  }

  /** A command line's words: spaces separate them, except inside double or single quotes. */
  private static List<String> words(String line) {
    List<String> words = new java.util.ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ' ') {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  /** What the backend does when a user asks a question; the guide shows it between the markers. */
  private List<String> relayTheAnswer() throws Exception {
    URI llmUrl = llm.url(); // https://llm.example.com/v1/chat
    String apiKey = FakeLlm.KEY;
    URI hubUrl = URI.create(hub.endpoint); // http://localhost:8080/.well-known/mercure
    String jwt = HubTokens.publisher(SECRET, List.of("https://example.com/answers/{id}"), Duration.ofMinutes(10));
    // begin usage
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest question = HttpRequest.newBuilder(llmUrl)
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"What is SSE?\"}]}"))
        .build();
    List<String> ids = AnswerRelay.relay(http, question, hubUrl, "https://example.com/answers/42", jwt);
    // end usage
    assertThat(llm.refused()).as("the LLM's objection to the request").isNull();
    return ids;
  }

  private static String firstTokens(int count) {
    return String.join("", FakeLlm.ANSWER.subList(0, count));
  }

  /** Polls {@code condition} every 10 ms for at most {@link #WAIT}. */
  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("still waiting after %s: %s", WAIT, what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
