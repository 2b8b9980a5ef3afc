package dev.arcpgateway.bus;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * ARCP errors across the event bus: a refusing handler fails the message with the §12 payload as JSON text,
 * and the requester gets the same {@link ArcpException} back from its failed future.
 */
public final class BusErrors {

  private static final System.Logger LOG = System.getLogger(BusErrors.class.getName());

  /** The failure code put on every ARCP refusal (bridged agents use it too). */
  public static final int ARCP_FAILURE = 4000;

  /**
   * The failure code of a request another node's mailbox passed on and nobody there consumed: read as Vert.x's
   * own NO_HANDLERS (the job has ended, or never ran there).
   */
  public static final int NO_HANDLERS_THERE = 4404;

  /** How Vert.x begins the failure of a request whose consumer unregistered before taking it. */
  private static final String DISCARDED = "Discarded the request";

  private BusErrors() {
  }

  /** Answers {@code message} with the outcome: the reply body, or the failure as an ARCP error. */
  public static void answer(Message<?> message, AsyncResult<JsonObject> outcome) {
    if (outcome.succeeded()) {
      message.reply(outcome.result(), Bus.OPTIONS);
    } else {
      fail(message, outcome.cause());
    }
  }

  /** Fails {@code message} with {@code failure} as an ARCP error; an unexpected failure is {@link #report}ed. */
  public static void fail(Message<?> message, Throwable failure) {
    message.fail(ARCP_FAILURE, report(failure, concerning(message)).toPayload().encode());
  }

  /**
   * The ARCP error to send for {@code failure}. An unexpected one (not an {@link ArcpException}) is logged here,
   * once, with what it {@code concerns} (a job, a session) and its cause; the peer only learns its incident id.
   */
  public static ArcpException report(Throwable failure, String concerns) {
    ArcpException error = ArcpException.from(failure);
    if (error.unexpected() == failure) {
      LOG.log(System.Logger.Level.ERROR, "unexpected failure for " + concerns + " (incident " + error.incident()
          + ")", failure);
    }
    return error;
  }

  /** What a bus request is about, for the log: its address, and the job and session it names. */
  private static String concerning(Message<?> message) {
    StringBuilder what = new StringBuilder(String.valueOf(message.address()));
    if (message.body() instanceof JsonObject body) {
      for (String key : new String[] {"op", "job_id", "session_id"}) {
        if (body.getValue(key) instanceof String value) {
          what.append(' ').append(key).append('=').append(value);
        }
      }
    }
    return what.toString();
  }

  /**
   * The ARCP error behind a failed request: the refusal a handler sent, or INTERNAL_ERROR for a timeout, a
   * missing handler or anything unexpected.
   */
  public static ArcpException toArcp(Throwable failure) {
    if (failure instanceof ArcpException arcp) {
      return arcp;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.getMessage() != null
          && reply.getMessage().startsWith("{")) {
        try {
          return ArcpException.fromPayload(new JsonObject(reply.getMessage()));
        } catch (RuntimeException notJson) {
          // fall through to the generic mapping
        }
      }
      return new ArcpException(ErrorCode.INTERNAL_ERROR, switch (reply.failureType()) {
        case TIMEOUT -> "no answer in time";
        case NO_HANDLERS -> "no handler for the request";
        default -> reply.getMessage() == null ? "request failed" : reply.getMessage();
      });
    }
    return report(failure, "a request");
  }

  /**
   * True when the request failed because nobody consumes the address: nobody did when it was sent, or the
   * consumer went away while the request waited in its queue. Vert.x answers that second case at once with a
   * TIMEOUT saying the request was discarded; a real timeout says "Timed out".
   */
  public static boolean noHandlers(Throwable failure) {
    return failure instanceof ReplyException reply && (reply.failureType() == ReplyFailure.NO_HANDLERS
        || reply.failureType() == ReplyFailure.TIMEOUT && reply.getMessage() != null
            && reply.getMessage().startsWith(DISCARDED)
        || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == NO_HANDLERS_THERE);
  }

  /** True when a request got no answer in time: its consumer is slow, or on a node that is gone. */
  public static boolean timedOut(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT
        && !noHandlers(failure);
  }
}
