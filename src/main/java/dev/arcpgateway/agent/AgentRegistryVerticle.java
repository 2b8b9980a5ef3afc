package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.cluster.ClusterMembership;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
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
 *
 * <p>In a cluster every node has its own registry for the providers connected to it, and the inventory is the
 * union of every node's offers: after each change a registry sends its offers, tagged with its node and a
 * revision, to the registry of every other node ({@link Addresses#agentOffers(String)}), which answers with its
 * own; a node that starts asks every node that way. A node's offers are dropped when it leaves the cluster.
 * An announce or withdraw is answered once every other node's registry has heard of it (or could not be
 * reached), so an agent announced on one node can be submitted to from any node as soon as that answer is in.
 */
public final class AgentRegistryVerticle extends VerticleBase {

  /** The owner of providers that name none: the Java agents deployed with the gateway. */
  static final String IN_PROCESS = "gateway";
  /** How long a node waits for another node's registry to take its offers. */
  private static final long PEER_TIMEOUT_MS = 2_000;

  /** name → version → provider → announced as default, for the providers of this node. */
  private final Map<String, Map<String, Map<String, Boolean>>> offers = new TreeMap<>();
  /** name → provider → owner, for every provider that claimed or announced the name; one owner per name. */
  private final Map<String, Map<String, String>> claims = new HashMap<>();
  /** node id → the latest offers that node sent (other nodes only). */
  private final Map<String, NodeOffers> remote = new HashMap<>();
  private AgentInventory inventory = AgentInventory.EMPTY;
  private ClusterMembership membership;
  private long revision;
  private Runnable stopWatching = () -> { };

  /** What one other node offers: {@code [{name, version, provider, owner, default}]} at its {@code revision}. */
  private record NodeOffers(long revision, JsonArray offers) {
  }

  @Override
  public Future<?> start() {
    membership = ClusterMembership.of(vertx);
    Future<Void> local = vertx.eventBus().<JsonObject>localConsumer(Addresses.AGENT_REGISTRY, this::handle)
        .completion();
    if (!membership.clustered()) {
      return local;
    }
    return local
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.agentOffers(membership.nodeId()),
            this::onPeerOffers).completion())
        .compose(v -> {
          stopWatching = membership.onChange(() -> context.runOnContext(x -> dropDeparted()));
          return share();
        });
  }

  @Override
  public Future<?> stop() {
    stopWatching.run();
    return Future.succeededFuture();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    try {
      Future<Void> shared = Future.succeededFuture();
      switch (body.getString("op", "")) {
        case "announce" -> {
          String name = body.getString("name");
          String version = body.getString("version");
          new dev.arcpgateway.protocol.AgentRef(name, version); // validates §7.5 grammar
          claim(body);
          offers.computeIfAbsent(name, n -> new HashMap<>()).computeIfAbsent(version, v -> new HashMap<>())
              .put(provider(body), body.getBoolean("default", false));
          shared = offersChanged();
        }
        case "claim" -> claim(body);
        case "withdraw" -> {
          String provider = provider(body);
          claims.values().forEach(claimants -> claimants.remove(provider));
          claims.values().removeIf(Map::isEmpty);
          offers.values().forEach(versions -> versions.values().forEach(providers -> providers.remove(provider)));
          offers.values().forEach(versions -> versions.values().removeIf(Map::isEmpty));
          offers.values().removeIf(Map::isEmpty);
          shared = offersChanged();
        }
        case "snapshot" -> {
          // answered below
        }
        default -> throw ArcpException.invalid("unknown registry op " + body.getString("op"));
      }
      shared.onComplete(v -> message.reply(new JsonObject().put("agents", inventory.toJson()), Bus.OPTIONS));
    } catch (RuntimeException e) {
      BusErrors.fail(message, e);
    }
  }

  /**
   * Records that the body's provider, for its owner, serves the body's agent name; refused if another owns it,
   * here or on another node.
   */
  private void claim(JsonObject body) {
    String name = new dev.arcpgateway.protocol.AgentRef(body.getString("name"), null).name();
    String provider = provider(body);
    String owner = body.getString("owner", IN_PROCESS);
    Map<String, String> claimants = claims.get(name);
    boolean ownedHere = claimants != null && claimants.values().stream().anyMatch(other -> !other.equals(owner));
    boolean ownedElsewhere = remote.values().stream().flatMap(node -> node.offers().stream())
        .map(JsonObject.class::cast)
        .anyMatch(offer -> name.equals(offer.getString("name")) && !owner.equals(offer.getString("owner")));
    if (ownedHere || ownedElsewhere) {
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

  /** This node's offers changed: a new inventory here, and the news to every other node. */
  private Future<Void> offersChanged() {
    revision++;
    changed();
    return share();
  }

  /**
   * Sends this node's offers to every other node's registry and merges what each answers. A node that does not
   * answer (not started yet, or leaving) is left to ask this node itself when it starts, or to leave.
   */
  private Future<Void> share() {
    if (!membership.clustered()) {
      return Future.succeededFuture();
    }
    JsonObject mine = ownOffers();
    List<Future<?>> answers = new ArrayList<>();
    for (String node : membership.nodes()) {
      if (!node.equals(membership.nodeId())) {
        answers.add(vertx.eventBus().<JsonObject>request(Addresses.agentOffers(node), mine,
            Bus.withTimeout(PEER_TIMEOUT_MS)).onSuccess(answer -> merge(answer.body())));
      }
    }
    return Future.join(answers).<Void>mapEmpty().recover(unreachable -> Future.succeededFuture());
  }

  private void onPeerOffers(Message<JsonObject> message) {
    merge(message.body());
    message.reply(ownOffers(), Bus.OPTIONS);
  }

  /** Takes another node's offers unless they are older than what it sent before, or it has left. */
  private void merge(JsonObject body) {
    String node = body.getString("node");
    long nodeRevision = body.getLong("revision", 0L);
    NodeOffers known = remote.get(node);
    if (node == null || node.equals(membership.nodeId()) || !membership.nodes().contains(node)
        || known != null && known.revision() >= nodeRevision) {
      return;
    }
    remote.put(node, new NodeOffers(nodeRevision, body.getJsonArray("offers", new JsonArray())));
    changed();
  }

  private void dropDeparted() {
    if (remote.keySet().retainAll(membership.nodes())) {
      changed();
    }
  }

  /** {@code {node, revision, offers: [{name, version, provider, owner, default}]}} for this node's providers. */
  private JsonObject ownOffers() {
    JsonArray list = new JsonArray();
    offers.forEach((name, versions) -> versions.forEach((version, providers) -> providers.forEach(
        (provider, isDefault) -> list.add(new JsonObject().put("name", name).put("version", version)
            .put("provider", provider).put("default", isDefault)
            .put("owner", claims.getOrDefault(name, Map.of()).getOrDefault(provider, IN_PROCESS))))));
    return new JsonObject().put("node", membership.nodeId()).put("revision", revision).put("offers", list);
  }

  /** Rebuilds the inventory from this node's offers and every other node's, and publishes it on this node. */
  private void changed() {
    Map<String, Map<String, Map<String, Boolean>>> all = new TreeMap<>();
    Map<String, String> owners = new HashMap<>();
    offers.forEach((name, versions) -> versions.forEach((version, providers) -> all
        .computeIfAbsent(name, n -> new HashMap<>()).computeIfAbsent(version, v -> new HashMap<>())
        .putAll(providers)));
    claims.forEach((name, claimants) -> claimants.values().stream().findFirst()
        .ifPresent(owner -> owners.put(name, owner))); // one owner per name
    remote.values().forEach(node -> node.offers().forEach(item -> {
      JsonObject offer = (JsonObject) item;
      String name = offer.getString("name");
      all.computeIfAbsent(name, n -> new HashMap<>())
          .computeIfAbsent(offer.getString("version"), v -> new HashMap<>())
          .put(offer.getString("provider"), offer.getBoolean("default", false));
      owners.putIfAbsent(name, offer.getString("owner", IN_PROCESS));
    }));
    List<AgentInventory.Entry> entries = new ArrayList<>();
    all.forEach((name, versions) -> {
      List<String> sorted = new ArrayList<>(versions.keySet());
      sorted.sort(VersionOrder.INSTANCE);
      String flagged = null;
      for (String version : sorted) {
        if (versions.get(version).containsValue(Boolean.TRUE)) {
          flagged = version; // the highest version some provider calls default
        }
      }
      entries.add(new AgentInventory.Entry(name, sorted, flagged != null ? flagged : sorted.get(sorted.size() - 1),
          connection(owners.getOrDefault(name, IN_PROCESS), versions)));
    });
    inventory = AgentInventory.of(entries);
    vertx.eventBus().publish(Addresses.AGENT_INVENTORY, new JsonObject().put("agents", inventory.toJson()),
        Bus.LOCAL);
  }

  /** How an agent is connected: by the gateway's Java agents or bridged processes, and by how many providers. */
  private static JsonObject connection(String owner, Map<String, Map<String, Boolean>> versions) {
    Set<String> providers = new HashSet<>();
    versions.values().forEach(byProvider -> providers.addAll(byProvider.keySet()));
    return new JsonObject().put("kind", IN_PROCESS.equals(owner) ? "java" : "bridged")
        .put("providers", providers.size());
  }
}
