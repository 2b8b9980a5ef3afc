package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Owns the live agent inventory. Providers (Java agent hosts, bridged agent processes) announce
 * {@code name@version} and withdraw it; after every change the new {@link AgentInventory} is published on
 * {@link Addresses#AGENT_INVENTORY}. An agent stays listed while at least one provider offers it.
 *
 * <p>Messages on {@link Addresses#AGENT_REGISTRY}: {@code {op:"announce", provider, name, version, default}},
 * {@code {op:"withdraw", provider}} (everything that provider offered) and {@code {op:"snapshot"}}.
 */
public final class AgentRegistryVerticle extends VerticleBase {

  /** name → version → provider → announced as default. */
  private final Map<String, Map<String, Map<String, Boolean>>> offers = new TreeMap<>();
  private AgentInventory inventory = AgentInventory.EMPTY;

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.AGENT_REGISTRY, this::handle).completion();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    try {
      switch (body.getString("op", "")) {
        case "announce" -> {
          String name = body.getString("name");
          String version = body.getString("version");
          new dev.arcpgateway.protocol.AgentRef(name, version); // validates §7.5 grammar
          offers.computeIfAbsent(name, n -> new HashMap<>()).computeIfAbsent(version, v -> new HashMap<>())
              .put(provider(body), body.getBoolean("default", false));
          changed();
        }
        case "withdraw" -> {
          String provider = provider(body);
          offers.values().forEach(versions -> versions.values().forEach(providers -> providers.remove(provider)));
          offers.values().forEach(versions -> versions.values().removeIf(Map::isEmpty));
          offers.values().removeIf(Map::isEmpty);
          changed();
        }
        case "snapshot" -> {
          // answered below
        }
        default -> throw ArcpException.invalid("unknown registry op " + body.getString("op"));
      }
      message.reply(new JsonObject().put("agents", inventory.toJson()), Bus.OPTIONS);
    } catch (RuntimeException e) {
      BusErrors.fail(message, e);
    }
  }

  private static String provider(JsonObject body) {
    String provider = body.getString("provider");
    if (provider == null || provider.isEmpty()) {
      throw ArcpException.invalid("provider is required");
    }
    return provider;
  }

  private void changed() {
    List<AgentInventory.Entry> entries = new ArrayList<>();
    offers.forEach((name, versions) -> {
      List<String> sorted = new ArrayList<>(versions.keySet());
      sorted.sort(VersionOrder.INSTANCE);
      String flagged = null;
      for (String version : sorted) {
        if (versions.get(version).containsValue(Boolean.TRUE)) {
          flagged = version; // the highest version some provider calls default
        }
      }
      entries.add(new AgentInventory.Entry(name, sorted, flagged != null ? flagged : sorted.get(sorted.size() - 1)));
    });
    inventory = AgentInventory.of(entries);
    vertx.eventBus().publish(Addresses.AGENT_INVENTORY, new JsonObject().put("agents", inventory.toJson()),
        Bus.OPTIONS);
  }
}
