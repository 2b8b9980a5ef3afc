package dev.arcpgateway.job;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.Utf8;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The rules of a job's streamed result (§8.4, §14): one {@code result_id} per job, {@code chunk_seq} from 0 in
 * order, {@code utf8} or {@code base64} data, nothing after {@code more:false}, each chunk and the whole result
 * under their caps. A broken rule is an INTERNAL_ERROR that ends the job.
 */
final class ResultChunks {

  private final int maxChunkBytes;
  private final long maxTotalBytes;
  private String resultId;
  private long nextSeq;
  private long totalBytes;
  private boolean ended;

  ResultChunks(int maxChunkBytes, long maxTotalBytes) {
    this.maxChunkBytes = maxChunkBytes;
    this.maxTotalBytes = maxTotalBytes;
  }

  boolean started() {
    return resultId != null;
  }

  String resultId() {
    return resultId;
  }

  long totalBytes() {
    return totalBytes;
  }

  /**
   * Checks one chunk body from the agent and returns the body to emit, with the runtime's {@code result_id}
   * and {@code chunk_seq} filled in when the agent left them out.
   */
  JsonObject accept(JsonObject body) {
    if (ended) {
      throw broken("result_chunk after the final chunk (more:false)");
    }
    String givenId = body.getValue("result_id") instanceof String s ? s : null;
    if (resultId == null) {
      resultId = givenId != null && !givenId.isEmpty() ? givenId : Ids.result();
    } else if (givenId != null && !givenId.equals(resultId)) {
      throw broken("a job streams one result; got result_id " + givenId + " after " + resultId);
    }
    Long seq;
    try {
      seq = Fields.optLong(body, "chunk_seq");
    } catch (ArcpException wrongType) {
      throw broken("chunk_seq must be an integer");
    }
    if (seq != null && seq != nextSeq) {
      throw broken("chunk_seq " + seq + " out of order; expected " + nextSeq);
    }
    String encoding = body.getValue("encoding") instanceof String e ? e : "utf8";
    if (!(body.getValue("data") instanceof String data)) {
      throw broken("result_chunk data must be a string");
    }
    long size = decodedSize(encoding, data);
    if (size > maxChunkBytes) {
      throw broken("result_chunk of " + size + " bytes exceeds the " + maxChunkBytes + "-byte chunk cap");
    }
    if (totalBytes + size > maxTotalBytes) {
      throw broken("streamed result exceeds the " + maxTotalBytes + "-byte result cap");
    }
    boolean more = !(body.getValue("more") instanceof Boolean b) || b;
    totalBytes += size;
    ended = !more;
    JsonObject out = new JsonObject()
        .put("result_id", resultId)
        .put("chunk_seq", nextSeq++)
        .put("data", data)
        .put("encoding", encoding)
        .put("more", more);
    return out;
  }

  /** The closing chunk to emit when the agent finished without sending {@code more:false}, else null. */
  JsonObject closingChunk() {
    if (resultId == null || ended) {
      return null;
    }
    ended = true;
    return new JsonObject().put("result_id", resultId).put("chunk_seq", nextSeq++).put("data", "")
        .put("encoding", "utf8").put("more", false);
  }

  private static long decodedSize(String encoding, String data) {
    return switch (encoding) {
      case "utf8" -> Utf8.length(data);
      case "base64" -> {
        try {
          yield Base64.getDecoder().decode(data.getBytes(StandardCharsets.US_ASCII)).length;
        } catch (IllegalArgumentException e) {
          throw broken("result_chunk data is not valid base64");
        }
      }
      default -> throw broken("result_chunk encoding must be utf8 or base64, got " + encoding);
    };
  }

  private static ArcpException broken(String message) {
    return new ArcpException(ErrorCode.INTERNAL_ERROR, message);
  }
}
