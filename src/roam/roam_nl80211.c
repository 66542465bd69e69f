/*
 * braid - one secure, self-tuning link over every path
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
/**
 * @file roam_nl80211.c
 * @brief nl80211 station events: a bounds-checked reader of generic
 *        netlink messages (no libnl: every byte is checked here).
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nl80211.h>

#include "roam_nl80211.h"

/** Size of struct nlmsghdr on the wire. */
#define NLH_LEN 16

/** Size of struct genlmsghdr. */
#define GENLH_LEN 4

/** Size of struct nlattr. */
#define NLA_HDR 4

/** Round up to netlink's 4-byte alignment. */
#define ALIGN4(n) (((n) + 3u) & ~(size_t) 3u)


static uint16_t
get16 (const uint8_t *p)
{
  uint16_t v;

  memcpy (&v, p, 2);
  return v;
}


static uint32_t
get32 (const uint8_t *p)
{
  uint32_t v;

  memcpy (&v, p, 4);
  return v;
}


static void
put16 (uint8_t *p, uint16_t v)
{
  memcpy (p, &v, 2);
}


static void
put32 (uint8_t *p, uint32_t v)
{
  memcpy (p, &v, 4);
}


size_t
BRAID_ROAM_nl80211_family_request (uint8_t *buf, size_t size, uint32_t seq)
{
  static const char name[] = "nl80211";
  size_t alen = NLA_HDR + sizeof (name);
  size_t len = NLH_LEN + GENLH_LEN + ALIGN4 (alen);

  if (size < len)
    return 0;
  memset (buf, 0, len);
  put32 (buf, (uint32_t) len);
  put16 (buf + 4, GENL_ID_CTRL);
  put16 (buf + 6, NLM_F_REQUEST);
  put32 (buf + 8, seq);
  buf[NLH_LEN] = CTRL_CMD_GETFAMILY;
  buf[NLH_LEN + 1] = 1;
  put16 (buf + NLH_LEN + GENLH_LEN, (uint16_t) alen);
  put16 (buf + NLH_LEN + GENLH_LEN + 2, CTRL_ATTR_FAMILY_NAME);
  memcpy (buf + NLH_LEN + GENLH_LEN + NLA_HDR, name, sizeof (name));
  return len;
}


/**
 * Walk attributes: next attribute at *off within [0, len).
 *
 * @return 1 attribute found (type, body, blen set), 0 end, -1 malformed
 */
static int
next_attr (const uint8_t *p,
           size_t len,
           size_t *off,
           uint16_t *type,
           const uint8_t **body,
           size_t *blen)
{
  uint16_t alen;

  if (*off >= len)
    return 0;
  if (len - *off < NLA_HDR)
    return -1;
  alen = get16 (p + *off);
  if ((alen < NLA_HDR) || (alen > len - *off))
    return -1;
  *type = get16 (p + *off + 2) & NLA_TYPE_MASK;
  *body = p + *off + NLA_HDR;
  *blen = alen - NLA_HDR;
  *off += ALIGN4 (alen);
  return 1;
}


/**
 * Find the "mlme" group in CTRL_ATTR_MCAST_GROUPS.
 *
 * @return 1 found, 0 not there, -1 malformed
 */
static int
find_mlme (const uint8_t *p, size_t len, uint32_t *group)
{
  size_t off = 0;
  uint16_t t;
  const uint8_t *b;
  size_t bl;
  int r;

  while (1 == (r = next_attr (p, len, &off, &t, &b, &bl)))
  {
    size_t o2 = 0;
    uint16_t t2;
    const uint8_t *b2;
    size_t bl2;
    int r2;
    int is_mlme = 0;
    int have_id = 0;
    uint32_t id = 0;

    while (1 == (r2 = next_attr (b, bl, &o2, &t2, &b2, &bl2)))
    {
      if (CTRL_ATTR_MCAST_GRP_NAME == t2)
        is_mlme = (5 <= bl2) && (0 == memcmp (b2, "mlme", 5));
      else if (CTRL_ATTR_MCAST_GRP_ID == t2)
      {
        if (4 != bl2)
          return -1;
        id = get32 (b2);
        have_id = 1;
      }
    }
    if (r2 < 0)
      return -1;
    if (is_mlme && have_id)
    {
      *group = id;
      return 1;
    }
  }
  return r;
}


int
BRAID_ROAM_nl80211_parse_family (const void *buf,
                                 size_t len,
                                 uint16_t *family,
                                 uint32_t *mlme_group)
{
  const uint8_t *p = buf;
  uint32_t mlen;
  uint16_t type;
  size_t off = 0;
  uint16_t t;
  const uint8_t *b;
  size_t bl;
  int r;
  int have_family = 0;
  int have_group = 0;

  if (len < NLH_LEN)
    return -1;
  mlen = get32 (p);
  type = get16 (p + 4);
  if ((mlen < NLH_LEN) || (mlen > len))
    return -1;
  if (NLMSG_ERROR == type)
  {
    int32_t err;

    if (mlen < NLH_LEN + 4)
      return -1;
    memcpy (&err, p + NLH_LEN, 4);
    /* ENOENT: no such family, the kernel has no wireless stack */
    return (-ENOENT == err) ? 0 : -1;
  }
  if ((GENL_ID_CTRL != type) || (mlen < NLH_LEN + GENLH_LEN)
      || (CTRL_CMD_NEWFAMILY != p[NLH_LEN]))
    return -1;
  p += NLH_LEN + GENLH_LEN;
  mlen -= NLH_LEN + GENLH_LEN;
  while (1 == (r = next_attr (p, mlen, &off, &t, &b, &bl)))
  {
    if (CTRL_ATTR_FAMILY_ID == t)
    {
      if (2 != bl)
        return -1;
      *family = get16 (b);
      have_family = 1;
    }
    else if (CTRL_ATTR_FAMILY_NAME == t)
    {
      if ((8 != bl) || (0 != memcmp (b, "nl80211", 8)))
        return -1;
    }
    else if (CTRL_ATTR_MCAST_GROUPS == t)
    {
      int g = find_mlme (b, bl, mlme_group);

      if (g < 0)
        return -1;
      have_group = g;
    }
  }
  if (r < 0)
    return -1;
  if (! have_family)
    return -1;
  return have_group ? 1 : 0;
}


unsigned int
BRAID_ROAM_nl80211_parse_events (const void *buf,
                                 size_t len,
                                 uint16_t family,
                                 BRAID_ROAM_StationCallback cb,
                                 void *cb_cls,
                                 unsigned int *malformed)
{
  const uint8_t *p = buf;
  size_t off = 0;
  unsigned int n = 0;

  while (len - off >= NLH_LEN)
  {
    uint32_t mlen = get32 (p + off);
    uint16_t type = get16 (p + off + 4);
    const uint8_t *m = p + off;
    struct BRAID_ROAM_StationEvent ev;
    int have_if = 0;
    int have_mac = 0;
    int bad = 0;
    size_t aoff = 0;
    uint16_t t;
    const uint8_t *b;
    size_t bl;
    int r;

    if ((mlen < NLH_LEN) || (mlen > len - off))
    {
      (*malformed)++;
      return n;
    }
    off += ALIGN4 (mlen);
    if (off > len)
      off = len;
    if ((type != family) || (mlen < NLH_LEN + GENLH_LEN))
      continue;
    if (NL80211_CMD_NEW_STATION == m[NLH_LEN])
      ev.associated = 1;
    else if (NL80211_CMD_DEL_STATION == m[NLH_LEN])
      ev.associated = 0;
    else
      continue;
    ev.ifindex = 0;
    while (1 == (r = next_attr (m + NLH_LEN + GENLH_LEN,
                                mlen - NLH_LEN - GENLH_LEN,
                                &aoff, &t, &b, &bl)))
    {
      if (NL80211_ATTR_IFINDEX == t)
      {
        if (4 != bl)
          bad = 1;
        else
          ev.ifindex = get32 (b);
        have_if = 1;
      }
      else if (NL80211_ATTR_MAC == t)
      {
        if (6 != bl)
          bad = 1;
        else
          memcpy (ev.mac, b, 6);
        have_mac = 1;
      }
    }
    if ((r < 0) || bad || (! have_if) || (! have_mac) || (0 == ev.ifindex))
    {
      (*malformed)++;
      continue;
    }
    cb (cb_cls, &ev);
    n++;
  }
  if (off < len)
    (*malformed)++;
  return n;
}
