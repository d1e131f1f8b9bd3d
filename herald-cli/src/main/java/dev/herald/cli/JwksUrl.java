package dev.herald.cli;

import dev.herald.hub.auth.JwtVerifier;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;

/** Reads a JWKS URL option: an absolute http or https URL with a host, or a usage error saying why not. */
final class JwksUrl implements CommandLine.ITypeConverter<URI> {
  @Override
  public URI convert(String value) {
    URI url;
    try {
      url = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new CommandLine.TypeConversionException("not a URL: " + e.getMessage());
    }
    try {
      JwtVerifier.checkJwksUrl(url);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
    return url;
  }
}
