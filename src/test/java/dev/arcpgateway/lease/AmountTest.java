package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link Amount}: {@code currency ":" decimal} (§9.6). */
class AmountTest {

  @Provide
  Arbitrary<String> amounts() {
    Arbitrary<String> currency = Combinators.combine(
        Arbitraries.chars().range('a', 'z').range('A', 'Z'),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("_-").ofMaxLength(10))
        .as((first, rest) -> first + rest);
    Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18);
    Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(18)
        .injectNull(0.4).map(f -> f == null ? "" : "." + f);
    return Combinators.combine(currency, digits, fraction).as((c, d, f) -> c + ":" + d + f);
  }

  @Property(tries = 500)
  void wellFormedAmountsParseExactly(@ForAll("amounts") String text) {
    Amount amount = Amount.parse(text);
    int colon = text.indexOf(':');
    assertEquals(text.substring(0, colon), amount.currency());
    assertEquals(new BigDecimal(text.substring(colon + 1)), amount.value(), "exact, scale kept");
    assertEquals(amount, Amount.parse(amount.toString()), "toString round-trips");
    if (!text.substring(colon + 1).startsWith("0")) {
      assertEquals(text, amount.toString(), "the decimal as given");
    }
  }

  @Test
  void examples() {
    assertEquals(new Amount("USD", new BigDecimal("5.00")), Amount.parse("USD:5.00"));
    assertEquals(new Amount("credits", new BigDecimal("1000")), Amount.parse("credits:1000"));
    assertEquals("USD:5.00", Amount.parse("USD:5.00").toString());
  }

  @Test
  void malformedAmountsAreInvalidRequests() {
    for (String bad : Arrays.asList(null, "", "USD", "USD:", ":5", "USD:-1", "USD:+1", "USD:1e3", "USD:.5",
        "USD:5.", "USD: 5", "USD:5 ", "5USD:1", "_x:1", "US D:1", "USD:5:5", "USD:1,5", "USD:NaN",
        "USD:" + "9".repeat(19), "USD:1." + "0".repeat(19), "C" + "x".repeat(32) + ":1")) {
      ArcpException e = assertThrows(ArcpException.class, () -> Amount.parse(bad), String.valueOf(bad));
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }
  }

  @Test
  void longestAllowedPartsParse() {
    for (String ok : List.of("USD:" + "9".repeat(18), "USD:1." + "0".repeat(18), "C" + "x".repeat(31) + ":1")) {
      Amount.parse(ok);
    }
  }
}
