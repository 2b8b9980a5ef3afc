package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.AgentRegistration;
import java.util.List;

/** The agents {@code serve} registers, so that a fresh gateway has something to run (README tour, checks). */
public final class DemoAgents {

  private DemoAgents() {
  }

  public static List<AgentRegistration> all() {
    return List.of(
        AgentRegistration.of("echo", "1.0.0", new EchoAgent()),
        AgentRegistration.of("echo", "2.0.0", new EchoAgent()).asDefault(),
        AgentRegistration.of("chatty", "1.0.0", new ChattyAgent()),
        AgentRegistration.of("slow", "1.0.0", new SlowAgent()),
        AgentRegistration.of("report", "1.0.0", new ReportAgent()),
        AgentRegistration.of("fail", "1.0.0", new FailAgent()),
        AgentRegistration.of("spender", "1.0.0", new SpenderAgent()),
        AgentRegistration.of("reader", "1.0.0", new ReaderAgent()),
        AgentRegistration.of("delegator", "1.0.0", new DelegatorAgent()));
  }
}
