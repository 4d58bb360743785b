"""Makes the members of a replication group visible as cache clusters, as in AWS, and gives
every cache cluster the encryption flags AWS reports.

AWS creates one cache cluster per node of a replication group (`sessions-001`, `sessions-002`,
...) and lists them in DescribeCacheClusters with the group's subnet group; that is where a
replication group's subnets are read from. moto only records their names on the group.

AWS reports `AtRestEncryptionEnabled` and `TransitEncryptionEnabled` for every cluster: a
member's are its group's; a cluster made with CreateCacheCluster (which has no at-rest option)
is never encrypted at rest. moto leaves the first out and the second unset when not asked for.
Installed at LocalStack start (an on_infra_start hook), before any ElastiCache request.
"""

from localstack.runtime import hooks


@hooks.on_infra_start()
def install_elasticache_members():
    from moto.elasticache import models

    original = models.ElastiCacheBackend.create_replication_group

    def create_replication_group(self, *args, **kwargs):
        group = original(self, *args, **kwargs)
        for member in group.member_clusters:
            if member in self.cache_clusters:
                continue
            cluster = models.CacheCluster(
                account_id=self.account_id,
                region_name=self.region_name,
                cache_cluster_id=member,
                cache_node_type=group.cache_node_type,
                replication_group_id=group.replication_group_id,
                az_mode=None,
                preferred_availability_zone=None,
                num_cache_nodes=1,
                engine=group.engine,
                engine_version=group.engine_version,
                cache_parameter_group_name=group.cache_parameter_group_name,
                cache_subnet_group_name=group.cache_subnet_group_name,
                transit_encryption_enabled=group.transit_encryption_enabled,
                network_type=group.network_type,
                ip_discovery=group.ip_discovery,
                snapshot_name=None,
                preferred_maintenance_window=group.preferred_maintenance_window,
                port=group.port,
                notification_topic_arn=None,
                auto_minor_version_upgrade=group.auto_minor_version_upgrade,
                snapshot_retention_limit=group.snapshot_retention_limit,
                snapshot_window=group.snapshot_window,
                auth_token=None,
                outpost_mode=None,
                preferred_outpost_arn=None,
                preferred_availability_zones=None,
                cache_security_group_names=None,
                security_group_ids=group.security_group_ids,
                tags=None,
                snapshot_arns=None,
                preferred_outpost_arns=None,
                log_delivery_configurations=[],
                cache_node_ids_to_remove=None,
                cache_node_ids_to_reboot=None,
            )
            cluster.at_rest_encryption_enabled = bool(group.at_rest_encryption_enabled)
            cluster.transit_encryption_enabled = bool(group.transit_encryption_enabled)
            cluster.transit_encryption_mode = group.transit_encryption_mode
            self.cache_clusters[member] = cluster
        return group

    models.ElastiCacheBackend.create_replication_group = create_replication_group

    original_cluster = models.ElastiCacheBackend.create_cache_cluster

    def create_cache_cluster(self, *args, **kwargs):
        cluster = original_cluster(self, *args, **kwargs)
        cluster.at_rest_encryption_enabled = False
        cluster.transit_encryption_enabled = bool(cluster.transit_encryption_enabled)
        return cluster

    models.ElastiCacheBackend.create_cache_cluster = create_cache_cluster
