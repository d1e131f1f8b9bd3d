package dev.herald.cli;

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
    // The hub's builder checks the same again; here a bad URL is a usage error naming the option.
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new CommandLine.TypeConversionException("the JWKS URL must be an http or https URL, not '" + url + "'");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new CommandLine.TypeConversionException("the JWKS URL must name a host: '" + url + "'");
    }
    return url;
  }
}
