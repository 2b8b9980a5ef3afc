package dev.arcpgateway.agent;

import java.util.Comparator;

/**
 * Orders version strings the way people expect: dot-separated numeric parts numerically ({@code 1.10.0} after
 * {@code 1.9.0}), anything else as text, a pre-release ({@code 2.0.0-rc1}) before its release. Versions are
 * opaque to ARCP; this order only picks a default when no registration names one.
 */
public final class VersionOrder implements Comparator<String> {

  public static final VersionOrder INSTANCE = new VersionOrder();

  private VersionOrder() {
  }

  @Override
  public int compare(String a, String b) {
    String[] coreA = a.split("[-+]", 2);
    String[] coreB = b.split("[-+]", 2);
    String[] partsA = coreA[0].split("\\.");
    String[] partsB = coreB[0].split("\\.");
    for (int i = 0; i < Math.max(partsA.length, partsB.length); i++) {
      String pa = i < partsA.length ? partsA[i] : "0";
      String pb = i < partsB.length ? partsB[i] : "0";
      int c = comparePart(pa, pb);
      if (c != 0) {
        return c;
      }
    }
    boolean preA = a.indexOf('-') >= 0 && (a.indexOf('+') < 0 || a.indexOf('-') < a.indexOf('+'));
    boolean preB = b.indexOf('-') >= 0 && (b.indexOf('+') < 0 || b.indexOf('-') < b.indexOf('+'));
    if (preA != preB) {
      return preA ? -1 : 1;
    }
    return a.compareTo(b);
  }

  private static int comparePart(String a, String b) {
    boolean numA = !a.isEmpty() && a.chars().allMatch(Character::isDigit);
    boolean numB = !b.isEmpty() && b.chars().allMatch(Character::isDigit);
    if (numA && numB) {
      String ta = a.replaceFirst("^0+(?=.)", "");
      String tb = b.replaceFirst("^0+(?=.)", "");
      return ta.length() != tb.length() ? Integer.compare(ta.length(), tb.length()) : ta.compareTo(tb);
    }
    if (numA != numB) {
      return numA ? 1 : -1;
    }
    return a.compareTo(b);
  }
}
