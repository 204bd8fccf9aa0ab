namespace SriovForwarder.Silo.Hosting;

/// <summary>Registers hosted services that start only once the host serves (<see cref="AfterServingHostedService"/>, decision 044).</summary>
public static class AfterServingRegistration
{
    /// <summary>
    /// Runs <paramref name="add"/> (another area's <c>Add…</c> method, unchanged) and defers every hosted service it
    /// registers: each is moved under a key of its own and a wrapper takes its place in the list, so the services start
    /// after the host has started and stop where they were registered. Everything else <paramref name="add"/> registers
    /// is left as it is.
    /// </summary>
    public static IServiceCollection StartAfterServing(this IServiceCollection services, Action<IServiceCollection> add)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(add);
        var first = services.Count;
        add(services);
        for (var i = first; i < services.Count; i++)
        {
            var registered = services[i];
            if (registered.ServiceType != typeof(IHostedService) || registered.IsKeyedService)
            {
                continue;
            }

            var key = new object();
            services[i] = ServiceDescriptor.Singleton<IHostedService>(sp => new AfterServingHostedService(
                sp.GetRequiredKeyedService<IHostedService>(key),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<AfterServingHostedService>>()));
            services.Add(Keyed(registered, key));
        }

        return services;
    }

    // The same registration under a key: the container still creates (and disposes) the service as before.
    private static ServiceDescriptor Keyed(ServiceDescriptor registered, object key)
    {
        if (registered.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(typeof(IHostedService), key, instance);
        }

        if (registered.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(typeof(IHostedService), key, (sp, _) => factory(sp), registered.Lifetime);
        }

        return new ServiceDescriptor(typeof(IHostedService), key, registered.ImplementationType!, registered.Lifetime);
    }
}
