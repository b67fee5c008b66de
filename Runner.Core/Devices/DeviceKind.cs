namespace Runner.Core.Devices;

public enum DeviceKind
{
    Cpu,
    Cuda,
}
