package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A {@code cost.budget} amount (§9.6): {@code currency ":" decimal}, e.g. {@code USD:5.00} or
 * {@code credits:1000}. Amounts are exact decimals, never floating point.
 *
 * @param currency the currency ({@code [A-Za-z][A-Za-z0-9_-]*})
 * @param value    the non-negative amount
 */
public record Amount(String currency, BigDecimal value) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");
  private static final Pattern DECIMAL = Pattern.compile("\\d{1,18}(\\.\\d{1,18})?");

  public static Amount parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0) {
      throw ArcpException.invalid("cost.budget amounts are CURRENCY:DECIMAL, got " + text);
    }
    String currency = text.substring(0, colon);
    String decimal = text.substring(colon + 1);
    if (!CURRENCY.matcher(currency).matches() || !DECIMAL.matcher(decimal).matches()) {
      throw ArcpException.invalid("cost.budget amounts are CURRENCY:DECIMAL, got " + text);
    }
    return new Amount(currency, new BigDecimal(decimal));
  }

  /** {@code USD:5.00}, with the decimal as given (or as computed). */
  @Override
  public String toString() {
    return currency + ":" + value.toPlainString();
  }
}
