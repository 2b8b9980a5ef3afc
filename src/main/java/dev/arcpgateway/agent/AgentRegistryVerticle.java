package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Owns the live agent inventory. Providers (Java agent hosts, bridged agent processes) announce
 * {@code name@version} and withdraw it; after every change the new {@link AgentInventory} is published on
 * {@link Addresses#AGENT_INVENTORY}. An agent stays listed while at least one provider offers it.
 *
 * <p>Messages on {@link Addresses#AGENT_REGISTRY}: {@code {op:"announce", provider, owner?, name, version, default}},
 * {@code {op:"claim", provider, owner, name}} (reserve a name before offering it), {@code {op:"withdraw", provider}}
 * (everything that provider offered or claimed) and {@code {op:"snapshot"}}.
 *
 * <p>Every agent name belongs to one owner while any provider claims it: the gateway's own Java agents (providers
 * that name no owner) or one agent token. Another owner's claim or announce of that name — any version — is
 * refused with PERMISSION_DENIED, so no one can take a share of another's jobs or capture its unversioned
 * submits.
 */
public final class AgentRegistryVerticle extends VerticleBase {

  /** The owner of providers that name none: the Java agents deployed with the gateway. */
  static final String IN_PROCESS = "gateway";

  /** name → version → provider → announced as default. */
  private final Map<String, Map<String, Map<String, Boolean>>> offers = new TreeMap<>();
  /** name → provider → owner, for every provider that claimed or announced the name; one owner per name. */
  private final Map<String, Map<String, String>> claims = new HashMap<>();
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
          claim(body);
          offers.computeIfAbsent(name, n -> new HashMap<>()).computeIfAbsent(version, v -> new HashMap<>())
              .put(provider(body), body.getBoolean("default", false));
          changed();
        }
        case "claim" -> claim(body);
        case "withdraw" -> {
          String provider = provider(body);
          claims.values().forEach(claimants -> claimants.remove(provider));
          claims.values().removeIf(Map::isEmpty);
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

  /** Records that the body's provider, for its owner, serves the body's agent name; refused if another owns it. */
  private void claim(JsonObject body) {
    String name = new dev.arcpgateway.protocol.AgentRef(body.getString("name"), null).name();
    String provider = provider(body);
    String owner = body.getString("owner", IN_PROCESS);
    Map<String, String> claimants = claims.get(name);
    if (claimants != null && claimants.values().stream().anyMatch(other -> !other.equals(owner))) {
      throw new ArcpException(ErrorCode.PERMISSION_DENIED, "agent name " + name + " is served by another owner");
    }
    claims.computeIfAbsent(name, n -> new HashMap<>()).put(provider, owner);
  }

  private static String provider(JsonObject body) {
    String provider = body.getString("provider");
    if (provider == null || provider.isEmpty()) {
      throw ArcpException.invalid("provider is required");
    }
    return provider;
  }

  /** How {@code name} is connected: by the gateway's Java agents or bridged processes, and by how many providers. */
  private JsonObject connection(String name, Map<String, Map<String, Boolean>> versions) {
    Set<String> providers = new HashSet<>();
    versions.values().forEach(byProvider -> providers.addAll(byProvider.keySet()));
    boolean inProcess = IN_PROCESS.equals(claims.getOrDefault(name, Map.of()).values().stream().findFirst()
        .orElse(IN_PROCESS)); // one owner per name
    return new JsonObject().put("kind", inProcess ? "java" : "bridged").put("providers", providers.size());
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
      entries.add(new AgentInventory.Entry(name, sorted, flagged != null ? flagged : sorted.get(sorted.size() - 1),
          connection(name, versions)));
    });
    inventory = AgentInventory.of(entries);
    vertx.eventBus().publish(Addresses.AGENT_INVENTORY, new JsonObject().put("agents", inventory.toJson()),
        Bus.OPTIONS);
  }
}
