package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@link Budget} (§9.6): exact decimal counters per currency. */
class BudgetTest {

  @Provide
  Arbitrary<BigDecimal> positiveAmounts() {
    // scales 0..4 and values like 0.1 / 0.2 / 0.3 that binary floating point cannot add exactly
    Arbitrary<BigDecimal> random = Arbitraries.bigDecimals()
        .between(new BigDecimal("0.0001"), new BigDecimal("100000")).ofScale(4)
        .map(BigDecimal::stripTrailingZeros);
    Arbitrary<BigDecimal> tenths = Arbitraries.of("0.1", "0.2", "0.3", "0.7", "1.1", "0.01", "0.0234")
        .map(BigDecimal::new);
    return Arbitraries.oneOf(random, tenths);
  }

  @Provide
  Arbitrary<BigDecimal> negativeAmounts() {
    return Arbitraries.bigDecimals().between(new BigDecimal("-1000"), new BigDecimal("-0.0001")).ofScale(4);
  }

  private static String usd(BigDecimal value) {
    return "USD:" + value.toPlainString();
  }

  @Property(tries = 500)
  void amountsOfOneCurrencyAddUp(@ForAll @Size(min = 1, max = 6) List<@From("positiveAmounts") BigDecimal> usd,
                                 @ForAll @Size(max = 4) List<@From("positiveAmounts") BigDecimal> credits) {
    List<String> texts = new ArrayList<>();
    usd.forEach(v -> texts.add(usd(v)));
    credits.forEach(v -> texts.add("credits:" + v.toPlainString()));
    Collections.shuffle(texts, new Random(texts.hashCode()));
    Budget budget = Budget.of(texts);
    BigDecimal usdSum = usd.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(0, budget.remaining("USD").compareTo(usdSum), budget.counters() + " vs " + usdSum);
    if (credits.isEmpty()) {
      assertFalse(budget.tracks("credits"));
    } else {
      BigDecimal creditSum = credits.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      assertEquals(0, budget.remaining("credits").compareTo(creditSum));
    }
    assertFalse(budget.exhausted());
  }

  /** Charging parts that sum to the budget leaves exactly zero: exhausted, and not one step earlier. */
  @Property(tries = 500)
  void chargingTheWholeBudgetLeavesExactlyZero(
      @ForAll @Size(min = 1, max = 8) List<@From("positiveAmounts") BigDecimal> parts, @ForAll Random random) {
    BigDecimal total = parts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    Budget budget = Budget.of(List.of(usd(total), "credits:10"));
    List<BigDecimal> order = new ArrayList<>(parts);
    Collections.shuffle(order, random);
    for (int i = 0; i < order.size(); i++) {
      assertFalse(budget.exhausted(), "exhausted before the last charge: " + budget.counters());
      BigDecimal left = budget.charge("USD", order.get(i));
      assertEquals(left, budget.remaining("USD"));
    }
    assertEquals(0, budget.remaining("USD").signum(), "left: " + budget.remaining("USD"));
    assertTrue(budget.exhausted());
    assertEquals(0, budget.remaining("credits").compareTo(BigDecimal.TEN), "other currencies are untouched");
  }

  @Property(tries = 300)
  void overchargingIsExactAndExhausts(@ForAll("positiveAmounts") BigDecimal budgeted,
                                      @ForAll("positiveAmounts") BigDecimal extra) {
    Budget budget = Budget.of(List.of(usd(budgeted)));
    BigDecimal left = budget.charge("USD", budgeted.add(extra));
    assertEquals(0, left.compareTo(extra.negate()));
    assertTrue(budget.exhausted());
  }

  @Property(tries = 300)
  void negativeCostsAreRefusedAndChangeNothing(@ForAll("positiveAmounts") BigDecimal budgeted,
                                               @ForAll("negativeAmounts") BigDecimal cost) {
    Budget budget = Budget.of(List.of(usd(budgeted), "EUR:1"));
    Map<String, BigDecimal> before = Map.copyOf(budget.counters());
    ArcpException e = assertThrows(ArcpException.class, () -> budget.charge("USD", cost));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertThrows(ArcpException.class, () -> budget.charge("GBP", cost));
    assertEquals(before, budget.counters());
  }

  @Test
  void chargingAnUntrackedCurrencyChangesNothing() {
    Budget budget = Budget.of(List.of("USD:5.00"));
    assertNull(budget.charge("EUR", new BigDecimal("3")));
    assertFalse(budget.tracks("EUR"));
    assertEquals(Map.of("USD", new BigDecimal("5.00")), budget.counters());
  }

  @Test
  void currenciesAreCaseSensitiveCounters() {
    Budget budget = Budget.of(List.of("USD:1", "usd:2"));
    assertEquals(0, budget.remaining("USD").compareTo(BigDecimal.ONE));
    assertEquals(0, budget.remaining("usd").compareTo(new BigDecimal("2")));
  }

  @Test
  void zeroBudgetIsExhaustedFromTheStart() {
    assertTrue(Budget.of(List.of("USD:0.00")).exhausted());
    assertTrue(Budget.of(List.of("USD:5", "credits:0")).exhausted(), "any counter at zero exhausts");
  }

  @Test
  void emptyBudget() {
    Budget budget = Budget.of(List.of());
    assertTrue(budget.isEmpty());
    assertFalse(budget.exhausted());
    assertEquals(new JsonObject(), budget.toJson());
  }

  @Test
  void withdrawMovesAtMostWhatIsLeft() {
    Budget budget = Budget.of(List.of("USD:5.00"));
    budget.charge("USD", new BigDecimal("3.00"));
    assertThrows(IllegalStateException.class, () -> budget.withdraw("USD", new BigDecimal("2.01")));
    assertThrows(IllegalStateException.class, () -> budget.withdraw("EUR", BigDecimal.ONE));
    assertEquals(0, budget.remaining("USD").compareTo(new BigDecimal("2")), "a refused withdrawal changes nothing");
    budget.withdraw("USD", new BigDecimal("2.00"));
    assertEquals(0, budget.remaining("USD").signum());
    assertTrue(budget.exhausted());
  }

  @Test
  void toJsonCarriesNumbers() {
    assertEquals(new JsonObject().put("USD", 5.0).put("credits", 1000.0),
        Budget.of(List.of("USD:5.00", "credits:1000")).toJson());
  }

  @Test
  void malformedAmountsAreInvalidRequests() {
    ArcpException e = assertThrows(ArcpException.class, () -> Budget.of(List.of("USD:5", "USD:-1")));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
  }
}
