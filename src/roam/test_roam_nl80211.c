/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file test_roam_nl80211.c
 * @brief nl80211 station events: known-answer generic netlink messages
 *        (as a little-endian kernel sends them), truncation at every
 *        byte, hostile attributes, and the events driving the client
 *        state machine on the mock kernel.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nl80211.h>

#include "roam_core.h"
#include "roam_kernel_mock.h"
#include "roam_nl80211.h"

/* nl80211 family id 0x1c; station 02:aa:bb:cc:dd:01 on ifindex 5 */
static const uint8_t new_station[60] = {
  0x3c, 0, 0, 0, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* nlmsghdr */
  0x13, 0x01, 0, 0,                                     /* NEW_STATION v1 */
  0x08, 0, 0x03, 0, 0x05, 0, 0, 0,                      /* IFINDEX 5 */
  0x0a, 0, 0x06, 0, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0, 0, /* MAC */
  0x08, 0, 0x2e, 0, 0x07, 0, 0, 0,                      /* GENERATION 7 */
  0x0c, 0, 0x15, 0, 0x08, 0, 0x01, 0, 0x0a, 0, 0, 0     /* STA_INFO {..} */
};

static const uint8_t del_station[48] = {
  0x30, 0, 0, 0, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0x14, 0x01, 0, 0,                                     /* DEL_STATION */
  0x08, 0, 0x03, 0, 0x05, 0, 0, 0,
  0x0a, 0, 0x06, 0, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0, 0,
  0x08, 0, 0x2e, 0, 0x08, 0, 0, 0
};

/* CTRL_CMD_NEWFAMILY: nl80211 is family 0x1c, groups config 5, scan 6,
   mlme 8 */
static const uint8_t family_reply[124] = {
  0x7c, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
  0x01, 0x02, 0, 0,
  0x0c, 0, 0x02, 0, 'n', 'l', '8', '0', '2', '1', '1', 0,      /* NAME */
  0x06, 0, 0x01, 0, 0x1c, 0, 0, 0,                             /* ID */
  0x08, 0, 0x03, 0, 0x01, 0, 0, 0,                             /* VERSION */
  0x4c, 0, 0x07, 0,                                            /* GROUPS */
  0x18, 0, 0x01, 0,
  0x0b, 0, 0x01, 0, 'c', 'o', 'n', 'f', 'i', 'g', 0, 0,
  0x08, 0, 0x02, 0, 0x05, 0, 0, 0,
  0x18, 0, 0x02, 0,
  0x09, 0, 0x01, 0, 's', 'c', 'a', 'n', 0, 0, 0, 0,
  0x08, 0, 0x02, 0, 0x06, 0, 0, 0,
  0x18, 0, 0x03, 0,
  0x09, 0, 0x01, 0, 'm', 'l', 'm', 'e', 0, 0, 0, 0,
  0x08, 0, 0x02, 0, 0x08, 0, 0, 0
};

/* NLMSG_ERROR -ENOENT: no such family */
static const uint8_t family_enoent[36] = {
  0x24, 0, 0, 0, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
  0xfe, 0xff, 0xff, 0xff,
  0x20, 0, 0, 0, 0x10, 0, 0x01, 0, 1, 0, 0, 0, 0, 0, 0, 0
};

static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };

struct Seen
{
  unsigned int n;
  struct BRAID_ROAM_StationEvent ev[8];
};


static void
collect (void *cls, const struct BRAID_ROAM_StationEvent *ev)
{
  struct Seen *s = cls;

  if (s->n < 8)
    s->ev[s->n] = *ev;
  s->n++;
}


START_TEST (test_constants)
{
  /* the known answers above rely on these numbers of the kernel ABI */
  ck_assert_int_eq (19, NL80211_CMD_NEW_STATION);
  ck_assert_int_eq (20, NL80211_CMD_DEL_STATION);
  ck_assert_int_eq (3, NL80211_ATTR_IFINDEX);
  ck_assert_int_eq (6, NL80211_ATTR_MAC);
  ck_assert_int_eq (0x10, GENL_ID_CTRL);
  ck_assert_int_eq (7, CTRL_ATTR_MCAST_GROUPS);
}
END_TEST


START_TEST (test_family_request)
{
  uint8_t buf[64];
  size_t len = BRAID_ROAM_nl80211_family_request (buf, sizeof (buf), 42);
  static const uint8_t want[32] = {
    0x20, 0, 0, 0, 0x10, 0, 0x01, 0, 42, 0, 0, 0, 0, 0, 0, 0,
    0x03, 0x01, 0, 0,
    0x0c, 0, 0x02, 0, 'n', 'l', '8', '0', '2', '1', '1', 0
  };

  ck_assert_uint_eq (32, len);
  ck_assert_int_eq (0, memcmp (want, buf, 32));
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_family_request (buf, 31, 1));
}
END_TEST


START_TEST (test_family_reply)
{
  uint16_t family = 0;
  uint32_t group = 0;
  uint8_t buf[sizeof (family_reply)];

  ck_assert_int_eq (1, BRAID_ROAM_nl80211_parse_family (
                      family_reply, sizeof (family_reply), &family, &group));
  ck_assert_uint_eq (0x1c, family);
  ck_assert_uint_eq (8, group);
  ck_assert_int_eq (0, BRAID_ROAM_nl80211_parse_family (
                      family_enoent, sizeof (family_enoent), &family,
                      &group));
  /* cut at every byte: never accepted */
  for (size_t n = 0; n < sizeof (family_reply); n++)
    ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (family_reply, n,
                                                          &family, &group));
  for (size_t n = 0; n < 20; n++)
    ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (family_enoent, n,
                                                          &family, &group));
  /* without the mlme group: found but unusable */
  memcpy (buf, family_reply, sizeof (buf));
  buf[108] = 'x';
  ck_assert_int_eq (0, BRAID_ROAM_nl80211_parse_family (buf, sizeof (buf),
                                                        &family, &group));
  /* a nested attribute whose length runs past its parent */
  memcpy (buf, family_reply, sizeof (buf));
  buf[104] = 0x40;
  ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (buf, sizeof (buf),
                                                         &family, &group));
  /* a zero-length attribute (would loop forever if not checked) */
  memcpy (buf, family_reply, sizeof (buf));
  buf[40] = 0;
  ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (buf, sizeof (buf),
                                                         &family, &group));
  /* another error than ENOENT, another family's name */
  memcpy (buf, family_enoent, sizeof (family_enoent));
  buf[16] = 0xf3; /* -13 EACCES */
  ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (
                      buf, sizeof (family_enoent), &family, &group));
  memcpy (buf, family_reply, sizeof (buf));
  buf[25] = 'X';
  ck_assert_int_eq (-1, BRAID_ROAM_nl80211_parse_family (buf, sizeof (buf),
                                                         &family, &group));
}
END_TEST


START_TEST (test_station_events)
{
  struct Seen s = { 0 };
  unsigned int bad = 0;
  uint8_t two[sizeof (new_station) + sizeof (del_station)];

  ck_assert_uint_eq (1, BRAID_ROAM_nl80211_parse_events (
                       new_station, sizeof (new_station), 0x1c, &collect, &s,
                       &bad));
  ck_assert_uint_eq (0, bad);
  ck_assert_int_eq (1, s.ev[0].associated);
  ck_assert_uint_eq (5, s.ev[0].ifindex);
  ck_assert_int_eq (0, memcmp (mac, s.ev[0].mac, 6));
  /* two messages in one datagram */
  memcpy (two, new_station, sizeof (new_station));
  memcpy (two + sizeof (new_station), del_station, sizeof (del_station));
  s.n = 0;
  ck_assert_uint_eq (2, BRAID_ROAM_nl80211_parse_events (
                       two, sizeof (two), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (0, bad);
  ck_assert_int_eq (1, s.ev[0].associated);
  ck_assert_int_eq (0, s.ev[1].associated);
  ck_assert_int_eq (0, memcmp (mac, s.ev[1].mac, 6));
  /* another family (not nl80211) is not ours: ignored, not malformed */
  s.n = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       new_station, sizeof (new_station), 0x1d, &collect, &s,
                       &bad));
  ck_assert_uint_eq (0, bad);
}
END_TEST


START_TEST (test_station_truncated)
{
  struct Seen s = { 0 };

  for (size_t n = 0; n < sizeof (new_station); n++)
  {
    unsigned int bad = 0;

    ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                         new_station, n, 0x1c, &collect, &s, &bad));
    ck_assert_uint_eq ((0 == n) ? 0 : 1, bad);
  }
  ck_assert_uint_eq (0, s.n);
}
END_TEST


START_TEST (test_station_hostile)
{
  struct Seen s = { 0 };
  uint8_t buf[sizeof (new_station)];
  unsigned int bad;

  /* MAC of 5 bytes */
  memcpy (buf, new_station, sizeof (buf));
  buf[28] = 9;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (1, bad);
  /* attribute length 0 */
  memcpy (buf, new_station, sizeof (buf));
  buf[40] = 0;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (1, bad);
  /* attribute running past its message */
  memcpy (buf, new_station, sizeof (buf));
  buf[48] = 0x40;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (1, bad);
  /* no interface index */
  memcpy (buf, new_station, sizeof (buf));
  buf[22] = 0x7f;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (1, bad);
  /* message length past the datagram */
  memcpy (buf, new_station, sizeof (buf));
  buf[0] = 0xff;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (1, bad);
  /* another nl80211 command (NEW_INTERFACE): ignored */
  memcpy (buf, new_station, sizeof (buf));
  buf[16] = NL80211_CMD_NEW_INTERFACE;
  bad = 0;
  ck_assert_uint_eq (0, BRAID_ROAM_nl80211_parse_events (
                       buf, sizeof (buf), 0x1c, &collect, &s, &bad));
  ck_assert_uint_eq (0, bad);
  ck_assert_uint_eq (0, s.n);
}
END_TEST


/* the events drive the state machine on the mock kernel, as the
   netlink back-end does (client_seen / client_gone) */

static struct BRAID_ROAM_Core *core;
static struct GNUNET_TIME_Absolute now;
static unsigned int sent;


static int
net_out (void *cls, const struct in6_addr *dst, const void *buf, size_t len)
{
  sent++;
  return 0;
}


static int
net_mcast (void *cls, const void *buf, size_t len)
{
  sent++;
  return 0;
}


static void
to_core (void *cls, const struct BRAID_ROAM_StationEvent *ev)
{
  if (ev->associated)
    BRAID_ROAM_core_client_seen (core, ev->mac, ev->ifindex, now);
  else
    BRAID_ROAM_core_client_gone (core, ev->mac, now);
}


static void
get_state (void *cls, const struct BRAID_ROAM_ClientInfo *ci)
{
  struct BRAID_ROAM_ClientInfo *out = cls;

  *out = *ci;
}


START_TEST (test_station_drives_core)
{
  struct BRAID_ROAM_MockKernel mk;
  struct BRAID_ROAM_KernelOps ops;
  struct BRAID_ROAM_Output out = { .send_unicast = &net_out,
                                   .send_multicast = &net_mcast };
  struct BRAID_ROAM_CoreConfig cc;
  struct BRAID_ROAM_ClientInfo ci;
  struct in6_addr ncip;
  unsigned int bad = 0;

  memset (&mk, 0, sizeof (mk));
  BRAID_ROAM_mock_kernel_ops (&mk, &ops);
  BRAID_ROAM_core_config_default (&cc);
  ck_assert_int_eq (1, inet_pton (AF_INET6, "fd00::1", &cc.node_ip));
  ck_assert_int_eq (1, inet_pton (AF_INET6, "fd00:ffff::",
                                  &cc.node_client_prefix));
  ck_assert_int_eq (1, inet_pton (AF_INET6, "fd00:ffff::aa:bbff:fecc:dd01",
                                  &ncip));
  now.abs_value_us = 1000000;
  core = BRAID_ROAM_core_create (&cc, &ops, &out);
  ck_assert_uint_eq (1, BRAID_ROAM_nl80211_parse_events (
                       new_station, sizeof (new_station), 0x1c, &to_core,
                       NULL, &bad));
  ck_assert_uint_eq (1, BRAID_ROAM_core_iterate (core, &get_state, &ci));
  ck_assert_int_eq (BRAID_ROAM_CLIENT_CLAIMING, ci.state);
  ck_assert_uint_eq (5, ci.ifindex);
  ck_assert_uint_gt (sent, 0);
  /* nobody answers the CLAIMs: the client is new to the mesh, ours */
  for (int i = 0; i < 100; i++)
  {
    now.abs_value_us += 100000;
    (void) BRAID_ROAM_core_tick (core, now);
  }
  ck_assert_uint_eq (1, BRAID_ROAM_core_iterate (core, &get_state, &ci));
  ck_assert_int_eq (BRAID_ROAM_CLIENT_LOCAL, ci.state);
  ck_assert_int_eq (1, BRAID_ROAM_mock_kernel_has_addr (&mk, &ncip));
  /* the station leaves: absent, routes kept until the timeout */
  ck_assert_uint_eq (1, BRAID_ROAM_nl80211_parse_events (
                       del_station, sizeof (del_station), 0x1c, &to_core,
                       NULL, &bad));
  ck_assert_uint_eq (1, BRAID_ROAM_core_iterate (core, &get_state, &ci));
  ck_assert_int_eq (BRAID_ROAM_CLIENT_ABSENT, ci.state);
  now.abs_value_us += 31 * 1000000ULL;
  (void) BRAID_ROAM_core_tick (core, now);
  ck_assert_int_eq (0, BRAID_ROAM_mock_kernel_has_addr (&mk, &ncip));
  ck_assert_uint_eq (0, bad);
  BRAID_ROAM_core_destroy (core);
  core = NULL;
}
END_TEST


int
main (void)
{
  Suite *su = suite_create ("roam_nl80211");
  TCase *tc = tcase_create ("nl80211 station events");
  SRunner *sr;
  int failed;

  tcase_add_test (tc, test_constants);
  tcase_add_test (tc, test_family_request);
  tcase_add_test (tc, test_family_reply);
  tcase_add_test (tc, test_station_events);
  tcase_add_test (tc, test_station_truncated);
  tcase_add_test (tc, test_station_hostile);
  tcase_add_test (tc, test_station_drives_core);
  suite_add_tcase (su, tc);
  sr = srunner_create (su);
  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return (0 == failed) ? EXIT_SUCCESS : EXIT_FAILURE;
}
