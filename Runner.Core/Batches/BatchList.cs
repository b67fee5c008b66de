namespace Runner.Core.Batches;

/// <summary><c>GET /batches</c>: one page of batches, newest first, and how many match in all.</summary>
public sealed record BatchList(IReadOnlyList<BatchRecord> Items, int Total, int Limit, int Offset);
