namespace Runner.Core.Data;

/// <summary>A dataset that is missing, truncated or not what it claims; the message says what to do.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
