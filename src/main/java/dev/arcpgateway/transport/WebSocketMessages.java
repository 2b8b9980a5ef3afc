package dev.arcpgateway.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Joins the frames of each WebSocket data message and hands the message on as text. Vert.x's own message
 * handlers decode text leniently (a malformed byte becomes U+FFFD), but RFC 6455 §8.1 requires a text message
 * that is not valid UTF-8 to fail the connection with 1007, so text is checked strictly here. Binary messages are
 * read as UTF-8 leniently, as before: the protocol speaks JSON text, and the JSON parser judges what they hold.
 * Fragment order is already enforced by the frame decoder (a stray continuation is a protocol error there).
 */
final class WebSocketMessages {

  /** RFC 6455 §7.4.1: the data of a message was not consistent with its type. */
  static final int INVALID_PAYLOAD = 1007;
  /** RFC 6455 §7.4.1: a message too big to process. */
  static final int MESSAGE_TOO_BIG = 1009;

  /** How a malformed message ends the connection. */
  interface Violation {
    void close(int code, String reason);
  }

  private final int maxMessageBytes;
  private final Consumer<String> onMessage;
  private final Violation onViolation;
  private Buffer fragments;
  private boolean fragmentsAreText;
  private boolean failed;

  WebSocketMessages(int maxMessageBytes, Consumer<String> onMessage, Violation onViolation) {
    this.maxMessageBytes = maxMessageBytes;
    this.onMessage = onMessage;
    this.onViolation = onViolation;
  }

  void onFrame(WebSocketFrame frame) {
    if (failed || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return; // control frames are answered by Vert.x
    }
    Buffer data = frame.binaryData();
    if (!frame.isContinuation()) {
      fragmentsAreText = frame.isText();
      if (frame.isFinal()) {
        deliver(data);
        return;
      }
      fragments = Buffer.buffer(Math.max(256, data.length() * 2)).appendBuffer(data);
    } else {
      if ((long) fragments.length() + data.length() > maxMessageBytes) {
        fail(MESSAGE_TOO_BIG, "message over " + maxMessageBytes + " bytes");
        return;
      }
      fragments.appendBuffer(data);
      if (frame.isFinal()) {
        Buffer whole = fragments;
        fragments = null;
        deliver(whole);
      }
    }
  }

  private void deliver(Buffer message) {
    byte[] bytes = message.getBytes();
    String text = new String(bytes, StandardCharsets.UTF_8);
    // lenient decoding is the fast path; only a replacement character needs the strict second look
    if (fragmentsAreText && text.indexOf('\uFFFD') >= 0 && !validUtf8(bytes)) {
      fail(INVALID_PAYLOAD, "text message is not valid UTF-8");
      return;
    }
    onMessage.accept(text);
  }

  private static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)); // reports, never replaces
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private void fail(int code, String reason) {
    failed = true;
    fragments = null;
    onViolation.close(code, reason);
  }
}
