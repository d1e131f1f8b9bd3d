package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Set-Cookie value: Mercure's cookie name and path, HttpOnly always, safe defaults, refused injections. */
class SubscriberCookieTest {
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7fX0.c2ln-_";

  @Test
  void defaultsAreHttpOnlySecureStrictOnTheHubPath() {
    assertThat(SubscriberCookie.builder(TOKEN).build().headerValue()).isEqualTo(
        "mercureAuthorization=" + TOKEN + "; Path=/.well-known/mercure; HttpOnly; Secure; SameSite=Strict");
  }

  @Test
  void everyAttributeCanBeSet() {
    String value = SubscriberCookie.builder(TOKEN).path("/hub").domain("example.com")
        .maxAge(Duration.ofMinutes(90)).sameSite(SubscriberCookie.SameSite.LAX).secure(false).build().headerValue();

    assertThat(value).isEqualTo("mercureAuthorization=" + TOKEN
        + "; Path=/hub; HttpOnly; SameSite=Lax; Domain=example.com; Max-Age=5400");
  }

  @Test
  void sameSiteNoneNeedsSecure() {
    assertThat(SubscriberCookie.builder(TOKEN).sameSite(SubscriberCookie.SameSite.NONE).build().headerValue())
        .contains("; Secure; SameSite=None");
    assertThatThrownBy(() -> SubscriberCookie.builder(TOKEN).sameSite(SubscriberCookie.SameSite.NONE)
        .secure(false).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Secure");
  }

  @Test
  void attributesThatWouldSplitTheHeaderAreRefused() {
    assertThatThrownBy(() -> SubscriberCookie.builder(TOKEN).domain("example.com; Path=/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubscriberCookie.builder(TOKEN).path("/a\r\nSet-Cookie: x=y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubscriberCookie.builder("not a token;")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubscriberCookie.builder(TOKEN).maxAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringNeverShowsTheToken() {
    assertThat(SubscriberCookie.builder(TOKEN).build().toString()).doesNotContain(TOKEN);
  }

  @Test
  void requestHeaderValueIsNameEqualsToken() {
    assertThat(SubscriberCookie.requestHeaderValue(TOKEN)).isEqualTo("mercureAuthorization=" + TOKEN);
  }
}
