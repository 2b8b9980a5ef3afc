package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arcpgateway.lease.Credential;
import dev.arcpgateway.lease.CredentialProvisioner;
import dev.arcpgateway.lease.LocalCredentialProvisioner;
import dev.arcpgateway.testing.LeaseAgents;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * §9.4, §9.8 (issue 8 item 16): a delegated child whose credentials cannot be provisioned never exists, and the
 * budget it would have taken from its parent stays with the parent, so the parent can delegate it again.
 */
class Section10_DelegationRollbackTest {

  @TempDir
  static Path dir;

  static Vertx vertx;
  static TestGateway gateway;
  /** Child credentials (leases without agent.delegate) that are refused before the provisioner works again. */
  static final AtomicInteger childRefusals = new AtomicInteger();

  /** The local provisioner, except that it refuses the next {@link #childRefusals} child jobs. */
  static final class FlakyUpstream implements CredentialProvisioner {
    private final LocalCredentialProvisioner local = new LocalCredentialProvisioner("https://llm.example.test/v1", null);

    @Override
    public Future<List<Credential>> issue(Request request) {
      boolean child = !request.lease().has("agent.delegate");
      if (child && childRefusals.getAndDecrement() > 0) {
        return Future.failedFuture(new IllegalStateException("upstream unavailable"));
      }
      return local.issue(request);
    }

    @Override
    public Future<Void> revoke(String credentialId) {
      return local.revoke(credentialId);
    }
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx, options -> options
            .setCredentials(new JsonObject().put("ledger_file", dir.resolve("ledger.jsonl").toString())),
        LeaseAgents.all(), builder -> builder.credentialProvisioner(new FlakyUpstream()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aChildRefusedAtProvisioningGivesItsBudgetBackToTheParent() {
    childRefusals.set(1);
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject child = new JsonObject().put("agent", "echo").put("input", "again")
        .put("lease_request", lease("cost.budget", "USD:0.60"));
    JsonObject parentLease = lease("agent.delegate", "echo").put("cost.budget", arr("USD:1.00"));
    Leases.Run parent = Leases.run(client, Leases.payload("twice",
        new JsonObject().put("first", child).put("second", child), parentLease));

    JsonObject result = parent.result();
    assertEquals("INTERNAL_ERROR", result.getJsonObject("first").getJsonObject("error").getString("code"),
        "the first child could not get credentials: " + result.encode());
    assertFalse(result.getJsonObject("first").encode().contains("upstream unavailable"),
        "the provisioner's exception text stays in the log (issue 8 item 19): " + result.encode());
    JsonObject second = result.getJsonObject("second");
    assertNull(second.getValue("error"), "the 0.60 went back to the parent, so the second child fits: " + second);
    assertEquals("again", second.getJsonObject("result").getString("input"), second.encode());
  }
}
