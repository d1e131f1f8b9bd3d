package dev.herald.source.mqtt;

import dev.herald.source.Source;
import dev.herald.source.SourceFactory;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * Makes MQTT sources from {@code mqtt://host:1883?filter=sensors/%23&topic=...} (and {@code mqtts://}
 * for TLS); the parameters are those of {@link MqttSettings}.
 */
public final class MqttSourceFactory implements SourceFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("mqtt", "mqtts");
  }

  @Override
  public Source create(SourceUri uri) {
    return new MqttSource(MqttSettings.from(uri));
  }
}
