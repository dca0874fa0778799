"""Service-time distributions built from exponential phases, and the queues they make.

The notes start from the exponential service time ``f(x) = μ e^{-μx}`` (time to cut hair),
put two phases in series (hair-cut then shampoo: the *hypo-exponential*, whose pdf is a
convolution), in parallel (pick coin A or B: the *hyper-exponential*, a mixture) and
combine both ideas in the *Coxian*: after phase ``i`` the customer continues to phase
``i + 1`` with probability ``p_i`` or leaves.

All of them are *phase-type* distributions ``PH(α, S)``: the time until a continuous-time
Markov chain on ``n`` transient phases, started in phase ``i`` with probability ``α_i``,
is absorbed. ``S`` is the sub-generator (rates between phases; row ``i`` sums to minus
the exit rate ``s0_i``), and

    pdf(x) = α exp(Sx) s0,   cdf(x) = 1 - α exp(Sx) 1,   E[X^k] = k! α (-S)^{-k} 1.

The queue side: Poisson arrivals at rate λ into ``c`` servers (FCFS). For one server the
Pollaczek–Khinchine formula gives the mean wait of *any* service distribution; for ``c``
servers with exponential service, Erlang C. Simulation uses a vectorised Lindley
recursion for one server and a tight loop over the servers' free times for several.

Modules: ``_shared`` (argument checks), ``phase_type`` (PH(α, S) and its constructors),
``convolution`` (the notes' convolution integral against its closed form), ``fits`` (two-moment
fits), ``formulas`` (P-K, Erlang C, M/M/c, M/PH/1 waits, staffing), ``simulation`` (the queue
simulated, batch-means intervals), ``inputs`` (typed vectors and matrices, uploaded service times),
``finite`` (Erlang B, M/M/c/K, Erlang A), ``finite_simulation`` (M/M/c/K + abandonment simulated by
uniformisation, replications side by side), ``network`` (open Jackson networks, solved and simulated),
``gg`` (G/G/c: Kingman and Allen–Cunneen beside :func:`simulate_gg_queue`).
"""

from lib.queueing._shared import MAX_CUSTOMERS, MAX_PHASES, MAX_SAMPLES, MAX_SERVERS, MIN_FIT_SCV, Seed
from lib.queueing.convolution import Convolution, convolve_exponentials, hypoexponential2_pdf
from lib.queueing.finite import (
    MAX_CAPACITY,
    FiniteQueueMetrics,
    ImpatientQueueMetrics,
    blocking_by_capacity,
    erlang_a_metrics,
    erlang_b,
    mmck_metrics,
    mmck_state_probabilities,
)
from lib.queueing.finite_simulation import FiniteQueueSimulation, replication_interval, simulate_finite_queue
from lib.queueing.fits import fit_coxian2, fit_two_moments, min_phases, sample_moments
from lib.queueing.formulas import (
    QueueMetrics,
    QueueTheory,
    erlang_c,
    is_exponential,
    mean_wait_from_moments,
    mg1_mean_wait,
    mg1_wait_distribution,
    mgc_mean_wait,
    min_servers,
    mmc_metrics,
    mmc_wait_distribution,
    queue_theory,
    utilization,
    wait_curve_by_scv,
    wait_curve_by_utilization,
)
from lib.queueing.gg import allen_cunneen_wait, kingman_wait
from lib.queueing.inputs import MAX_UPLOAD_ROWS, parse_matrix, parse_vector, read_service_times
from lib.queueing.network import (
    MAX_STATIONS,
    NetworkSimulation,
    jackson_network,
    network_sojourn,
    simulate_network,
    traffic_equations,
    unstable_stations,
)
from lib.queueing.phase_type import (
    PhaseType,
    cdf,
    coxian,
    empirical_cdf,
    erlang,
    exponential,
    hyperexponential,
    hypoexponential,
    pdf,
    sample,
)
from lib.queueing.simulation import (
    MeanInterval,
    WaitSummary,
    batch_means_interval,
    simulate_gg_queue,
    simulate_queue,
    summarize_waits,
)

__all__ = [
    "MAX_CAPACITY",
    "MAX_CUSTOMERS",
    "MAX_PHASES",
    "MAX_SAMPLES",
    "MAX_SERVERS",
    "MAX_STATIONS",
    "MAX_UPLOAD_ROWS",
    "MIN_FIT_SCV",
    "Convolution",
    "FiniteQueueMetrics",
    "FiniteQueueSimulation",
    "ImpatientQueueMetrics",
    "MeanInterval",
    "NetworkSimulation",
    "PhaseType",
    "QueueMetrics",
    "QueueTheory",
    "Seed",
    "WaitSummary",
    "allen_cunneen_wait",
    "batch_means_interval",
    "blocking_by_capacity",
    "cdf",
    "convolve_exponentials",
    "coxian",
    "empirical_cdf",
    "erlang",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "exponential",
    "fit_coxian2",
    "fit_two_moments",
    "hyperexponential",
    "hypoexponential",
    "hypoexponential2_pdf",
    "is_exponential",
    "jackson_network",
    "kingman_wait",
    "mean_wait_from_moments",
    "mg1_mean_wait",
    "mg1_wait_distribution",
    "mgc_mean_wait",
    "min_phases",
    "min_servers",
    "mmc_metrics",
    "mmc_wait_distribution",
    "mmck_metrics",
    "mmck_state_probabilities",
    "network_sojourn",
    "parse_matrix",
    "parse_vector",
    "pdf",
    "queue_theory",
    "read_service_times",
    "replication_interval",
    "sample",
    "sample_moments",
    "simulate_finite_queue",
    "simulate_gg_queue",
    "simulate_network",
    "simulate_queue",
    "summarize_waits",
    "traffic_equations",
    "unstable_stations",
    "utilization",
    "wait_curve_by_scv",
    "wait_curve_by_utilization",
]
