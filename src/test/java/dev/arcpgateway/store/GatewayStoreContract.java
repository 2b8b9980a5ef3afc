package dev.arcpgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GatewayStore} must do, whatever keeps its data (the vertx-sql-client TCK pattern): each
 * implementation's test extends this class and says how to make a fresh store. Tests use fresh ids, so a store
 * shared by several tests (a database) needs no cleaning between them.
 */
public abstract class GatewayStoreContract {

  protected static Vertx vertx;
  protected GatewayStore store;

  /** A store to test, empty of anything this test's fresh ids name. */
  protected abstract GatewayStore createStore(Vertx vertx) throws Exception;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void open() throws Exception {
    store = createStore(vertx);
  }

  @AfterEach
  void close() throws Exception {
    await(store.close());
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  static String fresh(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  static JobFrame event(String jobId, long index) {
    return new JobFrame(MessageType.JOB_EVENT, jobId, "0af7651916cd43dd8448eb211c80319c", index,
        new JsonObject().put("kind", "log").put("body", new JsonObject().put("n", index)), null, false);
  }

  static List<JobFrame> events(String jobId, long from, long to) {
    List<JobFrame> batch = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      batch.add(event(jobId, i));
    }
    return batch;
  }

  static JobSnapshot job(String jobId, String principal, String sessionId, JobStatus status, Instant createdAt) {
    return new JobSnapshot(jobId, principal, sessionId, "echo@1.0.0", status,
        new JsonObject().put("tool.call", new io.vertx.core.json.JsonArray().add("*")), null, null, null,
        "0af7651916cd43dd8448eb211c80319c", createdAt, new JsonObject().put("job_id", jobId), createdAt, "hash");
  }

  // ---- event log -----------------------------------------------------------------------------------------

  @Test
  void eventsAppendedInBatchesAreReadBackInOrderPageByPage() throws Exception {
    String jobId = fresh("job");
    await(store.events().append(jobId, events(jobId, 1, 1)));
    await(store.events().append(jobId, events(jobId, 2, 300)));
    await(store.events().append(jobId, events(jobId, 301, 1200)));
    List<Long> seen = new ArrayList<>();
    long after = 0;
    while (true) {
      List<JobFrame> page = await(store.events().read(jobId, after, 250));
      if (page.isEmpty()) {
        break;
      }
      assertTrue(page.size() <= 250, "a page holds at most its limit");
      for (JobFrame e : page) {
        seen.add(e.index());
        assertEquals(event(jobId, e.index()).toJson(), e.toJson(), "each index keeps its own frame");
      }
      after = page.get(page.size() - 1).index();
    }
    assertEquals(1200, seen.size());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i + 1, seen.get(i), "in order, no gap, no repeat");
    }
    List<Long> replayed = new ArrayList<>();
    assertEquals(100, await(store.events().replay(jobId, 500, 600, e -> replayed.add(e.index()))));
    assertEquals(501L, replayed.get(0));
    assertEquals(600L, replayed.get(99));
    assertEquals(1200, await(store.events().last(jobId)).index());
  }

  @Test
  void concurrentSingleAppendsOfManyJobsAllLandInEachJobsOrder() throws Exception {
    List<String> jobs = List.of(fresh("a"), fresh("b"), fresh("c"), fresh("d"));
    List<Future<Void>> all = new ArrayList<>();
    for (long i = 1; i <= 500; i++) {
      for (String jobId : jobs) {
        all.add(store.events().append(event(jobId, i))); // not awaited: the store may batch them
      }
    }
    await(Future.all(all));
    for (String jobId : jobs) {
      List<JobFrame> read = await(store.events().read(jobId, 0, 1000));
      assertEquals(500, read.size(), jobId);
      for (int i = 0; i < read.size(); i++) {
        assertEquals(i + 1, read.get(i).index(), jobId);
      }
    }
  }

  @Test
  void aBatchThatBreaksTheNumberingStoresNothingOfItself() throws Exception {
    String jobId = fresh("job");
    await(store.events().append(jobId, events(jobId, 1, 3)));
    List<JobFrame> broken = new ArrayList<>(events(jobId, 4, 5));
    broken.add(event(jobId, 3));
    assertThrows(Exception.class, () -> await(store.events().append(jobId, broken)));
    assertEquals(List.of(1L, 2L, 3L), indexes(await(store.events().read(jobId, 0, 100))),
        "the failed batch was rolled back whole");
    await(store.events().append(jobId, events(jobId, 4, 5)));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), indexes(await(store.events().read(jobId, 0, 100))));
  }

  @Test
  void aBrokenAppendAmongConcurrentOnesFailsAloneAndTheOthersLand() throws Exception {
    String good = fresh("job");
    String bad = fresh("job");
    await(store.events().append(bad, events(bad, 1, 2)));
    List<Future<Void>> goods = new ArrayList<>();
    Future<Void> broken = null;
    for (long i = 1; i <= 200; i++) {
      goods.add(store.events().append(event(good, i)));
      if (i == 100) {
        broken = store.events().append(event(bad, 2)); // repeats an index, gathered with its neighbours
      }
    }
    Future<Void> refused = broken;
    await(Future.join(new ArrayList<>(goods)).transform(done -> refused.transform(ignored -> Future.succeededFuture())));
    assertTrue(refused.failed(), "the repeated index is refused");
    goods.forEach(f -> assertTrue(f.succeeded(), "every other append landed"));
    assertEquals(200, await(store.events().read(good, 0, 1000)).size());
    assertEquals(List.of(1L, 2L), indexes(await(store.events().read(bad, 0, 10))));
  }

  @Test
  void anUnknownJobHasNoEvents() throws Exception {
    assertTrue(await(store.events().read(fresh("job"), 0, 10)).isEmpty());
    assertNull(await(store.events().last(fresh("job"))));
  }

  private static List<Long> indexes(List<JobFrame> events) {
    return events.stream().map(JobFrame::index).collect(Collectors.toList());
  }

  // ---- jobs ----------------------------------------------------------------------------------------------

  @Test
  void aJobIsStoredAndReadBackWhole() throws Exception {
    String jobId = fresh("job");
    Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JobSnapshot stored = new JobSnapshot(jobId, "alice", fresh("sess"), "echo@1.0.0", JobStatus.PENDING,
        new JsonObject().put("tool.call", new io.vertx.core.json.JsonArray().add("search")),
        new JsonObject().put("expires_at", "2030-01-01T00:00:00Z"), new JsonObject().put("USD", 1.5),
        fresh("parent"), "0af7651916cd43dd8448eb211c80319c", created, new JsonObject().put("job_id", jobId),
        created, "token-hash");
    await(store.jobs().put(stored));
    assertEquals(stored, await(store.jobs().get(jobId)));
    assertNull(await(store.jobs().get(fresh("job"))));
  }

  @Test
  void onlyOneOfTwoRacingTransitionsFinishesAJob() throws Exception {
    for (int round = 0; round < 20; round++) {
      String jobId = fresh("job");
      await(store.jobs().put(job(jobId, "alice", null, JobStatus.RUNNING, Instant.now())));
      Future<Boolean> success = store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.SUCCESS, Instant.now());
      Future<Boolean> error = store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.ERROR, Instant.now());
      await(Future.join(success, error));
      assertTrue(success.result() ^ error.result(), "exactly one writer wins");
      JobStatus winner = success.result() ? JobStatus.SUCCESS : JobStatus.ERROR;
      assertEquals(winner, await(store.jobs().get(jobId)).status());
    }
  }

  /** Many stored jobs in {@code status}: moved all at once, a gathering store batches several moves together. */
  private List<String> jobsIn(JobStatus status) throws Exception {
    List<String> jobIds = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String jobId = fresh("job");
      jobIds.add(jobId);
      await(store.jobs().put(job(jobId, "alice", null, status, Instant.now())));
    }
    return jobIds;
  }

  @Test
  void aJobsMovesAskedForWithoutWaitingLandInTheOrderAsked() throws Exception {
    List<String> jobIds = jobsIn(JobStatus.PENDING);
    List<Future<Boolean>> moves = new ArrayList<>();
    for (String jobId : jobIds) { // many jobs at once, so that a gathering store batches several moves together
      moves.add(store.jobs().transition(jobId, JobStatus.PENDING, JobStatus.RUNNING, Instant.now()));
      moves.add(store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.SUCCESS, Instant.now()));
      moves.add(store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.ERROR, Instant.now()));
    }
    await(Future.join(new ArrayList<>(moves)));
    for (int i = 0; i < jobIds.size(); i++) {
      String jobId = jobIds.get(i);
      assertTrue(moves.get(3 * i).result(), "started " + jobId);
      assertTrue(moves.get(3 * i + 1).result(), "then ended " + jobId);
      assertFalse(moves.get(3 * i + 2).result(), "and ended once " + jobId);
      assertEquals(JobStatus.SUCCESS, await(store.jobs().get(jobId)).status());
    }
  }

  /**
   * A move that fails does not take the next one down with it, even when a store runs them together, and a later
   * move of the same job still comes after both.
   */
  @Test
  void aJobsMoveThatFailsLeavesTheNextMoveAskedForItsOwnChance() throws Exception {
    List<String> jobIds = jobsIn(JobStatus.RUNNING);
    List<Future<Boolean>> moves = new ArrayList<>();
    for (String jobId : jobIds) {
      moves.add(store.jobs().transition(jobId, JobStatus.PENDING, JobStatus.RUNNING, Instant.now()));
      moves.add(store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.SUCCESS, Instant.now()));
      moves.add(store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.ERROR, Instant.now()));
    }
    await(Future.join(new ArrayList<>(moves)));
    for (int i = 0; i < jobIds.size(); i++) {
      String jobId = jobIds.get(i);
      assertFalse(moves.get(3 * i).result(), "already running: not started again " + jobId);
      assertTrue(moves.get(3 * i + 1).result(), "but ended " + jobId);
      assertFalse(moves.get(3 * i + 2).result(), "and ended once " + jobId);
      assertEquals(JobStatus.SUCCESS, await(store.jobs().get(jobId)).status());
    }
  }

  @Test
  void aTransitionFromAStatusTheJobIsNotInChangesNothing() throws Exception {
    String jobId = fresh("job");
    await(store.jobs().put(job(jobId, "alice", null, JobStatus.PENDING, Instant.now())));
    assertFalse(await(store.jobs().transition(jobId, JobStatus.RUNNING, JobStatus.SUCCESS, Instant.now())));
    assertEquals(JobStatus.PENDING, await(store.jobs().get(jobId)).status());
    assertFalse(await(store.jobs().transition(fresh("job"), JobStatus.PENDING, JobStatus.RUNNING, Instant.now())),
        "unknown job");
    Instant at = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
    assertTrue(await(store.jobs().transition(jobId, JobStatus.PENDING, JobStatus.RUNNING, at)));
    JobSnapshot moved = await(store.jobs().get(jobId));
    assertEquals(JobStatus.RUNNING, moved.status());
    assertEquals(at, moved.updatedAt());
  }

  @Test
  void unfinishedJobsAreThoseNotYetTerminal() throws Exception {
    String pending = fresh("job");
    String running = fresh("job");
    String done = fresh("job");
    await(store.jobs().put(job(pending, "alice", null, JobStatus.PENDING, Instant.now())));
    await(store.jobs().put(job(running, "alice", null, JobStatus.RUNNING, Instant.now())));
    await(store.jobs().put(job(done, "alice", null, JobStatus.RUNNING, Instant.now())));
    await(store.jobs().transition(done, JobStatus.RUNNING, JobStatus.CANCELLED, Instant.now()));
    Set<String> unfinished = await(store.jobs().unfinished()).stream().map(JobSnapshot::jobId)
        .collect(Collectors.toSet());
    assertTrue(unfinished.contains(pending) && unfinished.contains(running), unfinished.toString());
    assertFalse(unfinished.contains(done), unfinished.toString());
  }

  @Test
  void listingPagesNewestFirstByKeysetWithFilters() throws Exception {
    String principal = fresh("p");
    Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String jobId = String.format("job-%02d-%s", i, UUID.randomUUID());
      ids.add(jobId);
      // two jobs share each instant: the job id breaks the tie
      await(store.jobs().put(job(jobId, principal, null, i % 3 == 0 ? JobStatus.SUCCESS : JobStatus.RUNNING,
          base.plusSeconds(i / 2))));
    }
    await(store.jobs().put(job(fresh("other"), fresh("p"), null, JobStatus.RUNNING, base)));
    List<String> listed = new ArrayList<>();
    JobQuery.Position after = null;
    int pages = 0;
    do {
      JobPage page = await(store.jobs().list(new JobQuery(Set.of(principal), Set.of(), null, null, 10, after)));
      page.jobs().forEach(j -> listed.add(j.jobId()));
      after = page.next();
      pages++;
    } while (after != null);
    assertEquals(3, pages);
    List<String> expected = new ArrayList<>(ids);
    expected.sort((x, y) -> {
      int bySecond = Integer.compare(Integer.parseInt(y.substring(4, 6)) / 2, Integer.parseInt(x.substring(4, 6)) / 2);
      return bySecond != 0 ? bySecond : y.compareTo(x);
    });
    assertEquals(expected, listed, "newest first, ties by job id descending, each once");

    JobPage done = await(store.jobs().list(new JobQuery(Set.of(principal), Set.of(JobStatus.SUCCESS), null, null,
        100, null)));
    assertEquals(9, done.jobs().size());
    assertNull(done.next());
    JobPage recent = await(store.jobs().list(new JobQuery(Set.of(principal), Set.of(), "echo",
        base.plusSeconds(10), 100, null)));
    assertEquals(Set.of(ids.get(22), ids.get(23), ids.get(24)),
        recent.jobs().stream().map(JobSnapshot::jobId).collect(Collectors.toSet()), "created strictly after");
    assertTrue(await(store.jobs().list(new JobQuery(Set.of(principal), Set.of(), "other-agent", null, 100, null)))
        .jobs().isEmpty());
  }

  /**
   * Seeded random jobs (shared instants, several principals, statuses and agents) and random queries: paging
   * through every page gives exactly the matching jobs, newest first, ties by job id descending, each once.
   */
  @Test
  void anyQueryPagedToItsEndListsExactlyTheMatchingJobsInOrder() throws Exception {
    java.util.Random random = new java.util.Random(20261208);
    List<String> principals = List.of(fresh("p"), fresh("p"), fresh("p"));
    List<JobStatus> statuses = List.of(JobStatus.PENDING, JobStatus.RUNNING, JobStatus.SUCCESS, JobStatus.ERROR);
    Instant base = Instant.parse("2026-12-08T00:00:00Z");
    List<JobSnapshot> jobs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant created = base.plusSeconds(random.nextInt(20));
      JobSnapshot job = new JobSnapshot(fresh("job"), principals.get(random.nextInt(3)), null,
          random.nextBoolean() ? "echo@1.0.0" : "chatty@2.0.0", statuses.get(random.nextInt(4)), new JsonObject(),
          null, null, null, "0af7651916cd43dd8448eb211c80319c", created, new JsonObject(), created, null);
      jobs.add(job);
      await(store.jobs().put(job));
    }
    for (int q = 0; q < 40; q++) {
      Set<String> who = new HashSet<>(principals.subList(0, 1 + random.nextInt(3)));
      Set<JobStatus> which = new HashSet<>();
      if (random.nextBoolean()) {
        which.add(statuses.get(random.nextInt(4)));
        which.add(statuses.get(random.nextInt(4)));
      }
      String agent = switch (random.nextInt(3)) {
        case 0 -> null;
        case 1 -> "echo";
        default -> "chatty@2.0.0";
      };
      Instant after = random.nextBoolean() ? null : base.plusSeconds(random.nextInt(20));
      int limit = 1 + random.nextInt(7);
      List<String> expected = jobs.stream()
          .filter(j -> who.contains(j.principal()) && (which.isEmpty() || which.contains(j.status()))
              && (agent == null || j.agent().equals(agent) || j.agent().startsWith(agent + "@"))
              && (after == null || j.createdAt().isAfter(after)))
          .sorted((x, y) -> {
            int byTime = y.createdAt().compareTo(x.createdAt());
            return byTime != 0 ? byTime : y.jobId().compareTo(x.jobId());
          })
          .map(JobSnapshot::jobId).toList();
      List<String> listed = new ArrayList<>();
      JobQuery.Position position = null;
      do {
        JobPage page = await(store.jobs().list(new JobQuery(who, which, agent, after, limit, position)));
        assertTrue(page.jobs().size() <= limit);
        page.jobs().forEach(j -> listed.add(j.jobId()));
        position = page.next();
        assertTrue(position == null || page.jobs().size() == limit, "a page before the last is full");
      } while (position != null);
      assertEquals(expected, listed, "query " + q + ": " + who.size() + " principals, " + which + ", " + agent
          + ", after " + after + ", limit " + limit);
    }
  }

  @Test
  void aStoresOwnUnfinishedJobsAreNeverOrphanedHoweverOld() throws Exception {
    String jobId = fresh("job");
    await(store.jobs().put(job(jobId, "alice", fresh("sess"), JobStatus.RUNNING,
        Instant.now().minus(1, ChronoUnit.DAYS))));
    assertTrue(await(store.jobs().orphaned()).stream().noneMatch(job -> job.jobId().equals(jobId)),
        "its owner is this process, which runs it");
  }

  // ---- retention -----------------------------------------------------------------------------------------

  @Test
  void pruningForgetsLongEndedJobsAndTheirEventsButNotWhatAStoredSessionNeeds() throws Exception {
    Instant old = Instant.now().minus(10, ChronoUnit.DAYS);
    String session = fresh("sess");
    await(store.sessions().put(new SessionSnapshot(session, "alice", fresh("hash"), old, null)));
    String ended = fresh("job");
    String endedOfLiveSession = fresh("job");
    String endedRecently = fresh("job");
    String running = fresh("job");
    for (String jobId : List.of(ended, endedOfLiveSession, endedRecently, running)) {
      await(store.jobs().put(job(jobId, "alice", jobId.equals(endedOfLiveSession) ? session : fresh("gone"),
          JobStatus.RUNNING, old)));
      await(store.events().append(jobId, events(jobId, 1, 5)));
    }
    await(store.jobs().transition(ended, JobStatus.RUNNING, JobStatus.SUCCESS, old.plusSeconds(1)));
    await(store.jobs().transition(endedOfLiveSession, JobStatus.RUNNING, JobStatus.SUCCESS, old.plusSeconds(1)));
    await(store.jobs().transition(endedRecently, JobStatus.RUNNING, JobStatus.SUCCESS, Instant.now()));

    Instant cutoff = Instant.now().minus(7, ChronoUnit.DAYS);
    int pruned = 0;
    for (int batch; (batch = await(store.prune(cutoff, 1))) > 0; ) {
      assertEquals(1, batch, "at most one batch at a time");
      pruned += batch;
    }
    assertTrue(pruned >= 1);
    assertNull(await(store.jobs().get(ended)));
    assertTrue(await(store.events().read(ended, 0, 10)).isEmpty(), "its events went with it");
    assertNotNull(await(store.jobs().get(endedOfLiveSession)), "its session may still resume");
    assertEquals(5, await(store.events().read(endedOfLiveSession, 0, 10)).size());
    assertNotNull(await(store.jobs().get(endedRecently)));
    assertNotNull(await(store.jobs().get(running)));
    assertEquals(5, await(store.events().read(running, 0, 10)).size());
  }

  // ---- sessions ------------------------------------------------------------------------------------------

  @Test
  void aSessionIsFoundByItsCurrentResumeTokenOnly() throws Exception {
    String id = fresh("sess");
    Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String first = fresh("hash");
    String second = fresh("hash");
    await(store.sessions().put(new SessionSnapshot(id, "alice", first, created, null)));
    assertEquals(id, await(store.sessions().findByResumeToken(first)).sessionId());
    SessionSnapshot rotated = new SessionSnapshot(id, "alice", second, created, created.plusSeconds(60));
    await(store.sessions().put(rotated));
    assertNull(await(store.sessions().findByResumeToken(first)), "the old token is no longer current");
    assertEquals(rotated, await(store.sessions().findByResumeToken(second)));
    assertEquals(rotated, await(store.sessions().get(id)));
    await(store.sessions().remove(id));
    assertNull(await(store.sessions().get(id)));
    assertNull(await(store.sessions().findByResumeToken(second)));
  }

  @Test
  void racingHellosCannotAllPassAFullCap() throws Exception {
    String principal = fresh("p");
    List<String> sessions = new ArrayList<>();
    List<Future<Boolean>> takes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String id = fresh("sess");
      sessions.add(id);
      takes.add(store.sessions().takeSlot(principal, id, 3));
    }
    await(Future.join(new ArrayList<>(takes)));
    List<String> holders = new ArrayList<>();
    for (int i = 0; i < takes.size(); i++) {
      if (takes.get(i).result()) {
        holders.add(sessions.get(i));
      }
    }
    assertEquals(3, holders.size(), "exactly the cap passed");
    assertTrue(await(store.sessions().takeSlot(principal, holders.get(0), 3)), "a holder keeps its slot");
    String outsider = fresh("sess");
    assertFalse(await(store.sessions().takeSlot(principal, outsider, 3)));
    await(store.sessions().freeSlot(principal, holders.get(1)));
    assertTrue(await(store.sessions().takeSlot(principal, outsider, 3)), "a freed slot can be taken");
    assertTrue(await(store.sessions().takeSlot(fresh("p"), outsider, 1)), "caps are per principal");
  }

  @Test
  void aSessionRecordKeepsWhatARestartNeedsAndAfterARestartOnlyLiveWindowsRemain() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String attached = fresh("sess");
    String parked = fresh("sess");
    String expired = fresh("sess");
    SessionSnapshot full = new SessionSnapshot(attached, "alice", fresh("hash"), now, null, Set.of("jobs:read"),
        List.of("heartbeat", "ack"), false);
    await(store.sessions().put(full));
    assertEquals(full, await(store.sessions().get(attached)), "scopes, features and all");
    await(store.sessions().put(new SessionSnapshot(parked, "alice", fresh("hash"), now, now.plusSeconds(30))));
    await(store.sessions().put(new SessionSnapshot(expired, "alice", fresh("hash"), now, now.minusSeconds(1))));
    await(store.journal().append(expired, frames(1, 2, "job-x", false)));
    String principal = fresh("p");
    assertTrue(await(store.sessions().takeSlot(principal, attached, 1)));

    assertTrue(await(store.sessions().afterRestart(now, Duration.ofSeconds(600))) >= 2);
    assertEquals(now.plusSeconds(600), await(store.sessions().get(attached)).expiresAt(),
        "an attached session's window starts at the restart");
    assertEquals(now.plusSeconds(30), await(store.sessions().get(parked)).expiresAt(), "a parked one keeps its own");
    assertNull(await(store.sessions().get(expired)), "a passed window is forgotten");
    assertEquals(0L, await(store.journal().lastSeq(expired)), "with its journal");
    assertTrue(await(store.sessions().takeSlot(principal, fresh("sess"), 1)), "no slot is held after a restart");
  }

  // ---- session journal -----------------------------------------------------------------------------------

  static List<SessionJournal.SessionFrame> frames(long from, long to, String jobId, boolean lastEnds) {
    List<SessionJournal.SessionFrame> frames = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      frames.add(new SessionJournal.SessionFrame(seq, jobId, seq, lastEnds && seq == to, "{\"event_seq\":" + seq + "}"));
    }
    return frames;
  }

  @Test
  void journaledFramesAreReadBackInOrderPageByPage() throws Exception {
    String session = fresh("sess");
    await(store.journal().append(session, frames(1, 1, "job-a", false)));
    await(store.journal().append(session, frames(2, 700, "job-a", false)));
    assertEquals(700L, await(store.journal().lastSeq(session)));
    List<SessionJournal.Kept> page = await(store.journal().read(session, 0, 500));
    assertEquals(500, page.size());
    assertEquals(new SessionJournal.Kept(1, "{\"event_seq\":1}"), page.get(0));
    List<SessionJournal.Kept> rest = await(store.journal().read(session, 500, 500));
    assertEquals(200, rest.size());
    for (int i = 0; i < rest.size(); i++) {
      assertEquals(501 + i, rest.get(i).seq());
    }
    assertTrue(await(store.journal().read(session, 700, 10)).isEmpty());
    assertTrue(await(store.journal().read(fresh("sess"), 0, 10)).isEmpty(), "journals are per session");
    assertEquals(0L, await(store.journal().lastSeq(fresh("sess"))));
  }

  @Test
  void appendsOfManySessionsAtOnceEachKeepTheirOrder() throws Exception {
    List<String> sessions = new ArrayList<>();
    List<Future<Void>> appends = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      String session = fresh("sess");
      sessions.add(session);
      for (long seq = 1; seq <= 300; seq += 10) {
        appends.add(store.journal().append(session, frames(seq, seq + 9, "job-" + s, false)));
      }
    }
    await(Future.all(new ArrayList<>(appends)));
    for (String session : sessions) {
      List<SessionJournal.Kept> all = await(store.journal().read(session, 0, 1000));
      assertEquals(300, all.size());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).seq(), session);
      }
    }
  }

  @Test
  void droppedFramesGoButTheLastSeqAndTheJobPositionsStay() throws Exception {
    String session = fresh("sess");
    await(store.journal().append(session, frames(1, 10, "job-a", false)));
    await(store.journal().dropRange(session, 0, 10));
    assertTrue(await(store.journal().read(session, 0, 100)).isEmpty());
    assertEquals(10L, await(store.journal().lastSeq(session)), "the next seq is still 11");
    assertEquals(Map.of("job-a", 10L), await(store.journal().openJobs(session)), "and job-a is known up to 10");
  }

  @Test
  void aDroppedRangeTakesOnlyTheFramesAboveItsLowerBoundAndUpToItsUpperBound() throws Exception {
    String session = fresh("sess");
    await(store.journal().append(session, frames(1, 10, "job-a", false)));
    await(store.journal().dropRange(session, 3, 7));
    assertEquals(List.of(1L, 2L, 3L, 8L, 9L, 10L),
        await(store.journal().read(session, 0, 100)).stream().map(SessionJournal.Kept::seq).toList());
  }

  @Test
  void openJobsAreTheSessionsJobsItHasNotSeenEndEachWithHowFarItGot() throws Exception {
    String session = fresh("sess");
    Instant now = Instant.now();
    String quiet = fresh("job");
    String streaming = fresh("job");
    String ended = fresh("job");
    String followed = fresh("job");
    for (String jobId : List.of(quiet, streaming, ended)) {
      await(store.jobs().put(job(jobId, "alice", session, JobStatus.RUNNING, now)));
    }
    await(store.jobs().put(job(fresh("job"), "alice", fresh("sess"), JobStatus.RUNNING, now)));
    List<SessionJournal.SessionFrame> batch = new ArrayList<>();
    batch.add(new SessionJournal.SessionFrame(1, streaming, 4, false, "{}"));
    batch.add(new SessionJournal.SessionFrame(2, ended, 2, false, "{}"));
    batch.add(new SessionJournal.SessionFrame(3, streaming, 7, false, "{}"));
    batch.add(new SessionJournal.SessionFrame(4, followed, 9, false, "{}"));
    batch.add(new SessionJournal.SessionFrame(5, ended, 3, true, "{}"));
    await(store.journal().append(session, batch));
    await(store.journal().append(session, List.of(new SessionJournal.SessionFrame(6, streaming, 5, false, "{}"))));
    assertEquals(Map.of(quiet, 0L, streaming, 7L, followed, 9L), await(store.journal().openJobs(session)));
  }

  @Test
  void removingASessionForgetsItsJournal() throws Exception {
    String session = fresh("sess");
    await(store.sessions().put(new SessionSnapshot(session, "alice", fresh("hash"), Instant.now(), null)));
    await(store.journal().append(session, frames(1, 3, "job-a", false)));
    await(store.sessions().remove(session));
    assertTrue(await(store.journal().read(session, 0, 10)).isEmpty());
    assertEquals(0L, await(store.journal().lastSeq(session)));
    assertTrue(await(store.journal().openJobs(session)).isEmpty());
  }

  // ---- idempotency ---------------------------------------------------------------------------------------

  @Test
  void racingClaimsOfOneKeyAllGetTheSameWinner() throws Exception {
    String principal = fresh("p");
    String key = fresh("key");
    Instant expires = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    List<Future<IdempotencyStore.Claim>> claims = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String jobId = fresh("job");
      claims.add(store.idempotency().claim(new IdempotencyStore.Claim(principal, key, "fp", jobId, expires,
          new JsonObject().put("job_id", jobId))));
    }
    await(Future.all(new ArrayList<>(claims)));
    Set<String> winners = new HashSet<>();
    claims.forEach(c -> winners.add(c.result().jobId()));
    assertEquals(1, winners.size(), "one claim stands for the key");
    IdempotencyStore.Claim winner = claims.get(0).result();
    assertEquals(winner.jobId(), winner.accepted().getString("job_id"), "with its own acceptance");
    IdempotencyStore.Claim other = new IdempotencyStore.Claim(fresh("p"), key, "fp", fresh("job"), expires,
        new JsonObject());
    assertEquals(other.jobId(), await(store.idempotency().claim(other)).jobId(), "keys are per principal");

    await(store.idempotency().release(winner));
    IdempotencyStore.Claim next = new IdempotencyStore.Claim(principal, key, "fp2", fresh("job"), expires,
        new JsonObject());
    assertEquals(next.jobId(), await(store.idempotency().claim(next)).jobId(), "a released key can be claimed");
  }

  @Test
  void anExpiredClaimGivesWayAndAStaleReleaseDoesNotUndoANewerClaim() throws Exception {
    String principal = fresh("p");
    String key = fresh("key");
    IdempotencyStore.Claim expired = new IdempotencyStore.Claim(principal, key, "fp", fresh("job"),
        Instant.now().minusSeconds(1), new JsonObject());
    await(store.idempotency().claim(expired));
    IdempotencyStore.Claim fresh = new IdempotencyStore.Claim(principal, key, "fp", fresh("job"),
        Instant.now().plusSeconds(600), new JsonObject());
    assertEquals(fresh.jobId(), await(store.idempotency().claim(fresh)).jobId());
    await(store.idempotency().release(expired));
    IdempotencyStore.Claim late = new IdempotencyStore.Claim(principal, key, "fp", fresh("job"),
        Instant.now().plusSeconds(600), new JsonObject());
    assertEquals(fresh.jobId(), await(store.idempotency().claim(late)).jobId(), "the newer claim still stands");
  }

  // ---- credentials and health ----------------------------------------------------------------------------

  @Test
  void theCredentialLedgerListsWhatWasIssuedAndNotRevoked() throws Exception {
    String a = fresh("cred");
    String b = fresh("cred");
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    await(store.credentials().issued(new CredentialLedger.Entry(a, fresh("job"), at)));
    await(store.credentials().issued(new CredentialLedger.Entry(b, fresh("job"), at)));
    await(store.credentials().revoked(a));
    Set<String> outstanding = await(store.credentials().outstanding()).stream()
        .map(CredentialLedger.Entry::credentialId).collect(Collectors.toSet());
    assertTrue(outstanding.contains(b));
    assertFalse(outstanding.contains(a));
  }

  @Test
  void aSingleUseTokenIsUsedOnceEvenByRacingUses() throws Exception {
    String token = fresh("tok");
    Instant expires = Instant.now().plusSeconds(600);
    List<Future<Boolean>> uses = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      uses.add(store.tokenUses().use(token, expires));
    }
    await(Future.all(new ArrayList<>(uses)));
    assertEquals(1, uses.stream().filter(Future::result).count(), "exactly one first use");
    assertFalse(await(store.tokenUses().use(token, expires)));

    String expired = fresh("tok");
    assertTrue(await(store.tokenUses().use(expired, Instant.now().minusSeconds(1))));
    assertTrue(await(store.tokenUses().forgetExpired(Instant.now())) >= 1);
    assertFalse(await(store.tokenUses().use(token, expires)), "an unexpired use is kept");
  }

  @Test
  void aServingStoreAnswersPing() throws Exception {
    await(store.ping());
  }
}
