namespace Runner.Core.Queueing;

/// <summary>A batch's priority on its device class's queues (stored in <c>batches.priority</c> by its lower-case name), in the order served.</summary>
public enum Priority
{
    High,
    Normal,
    Low,
}
